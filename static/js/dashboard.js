// 领导驾驶舱: draws each chart with ECharts (vendored) from the figures the page carries in
// <script type="application/json" id="dashboard-data"> (json_script: no inline script, CSP).
// The figures themselves are also in each card's table, each a link to the list behind it;
// clicking a bar or a slice opens the same list.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") { return; }
  var sections = JSON.parse(source.textContent);
  var charts = {};
  sections.forEach(function (section) {
    section.charts.forEach(function (chart) { charts[chart.key] = chart; });
  });
  var instances = [];

  function option(chart, kind) {
    var items = chart.items.filter(function (i) { return i.value !== null; });
    var tooltip = { trigger: "item" };
    if (kind === "pie") {
      return {
        tooltip: tooltip,
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: items.map(function (i) { return { name: i.name, value: i.value, url: i.url }; }),
          label: { formatter: "{b}: {c}" }
        }]
      };
    }
    return {
      tooltip: tooltip,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: items.map(function (i) { return i.name; }) },
      series: [{
        type: "bar",
        data: items.map(function (i) { return { value: i.value, url: i.url }; }),
        label: { show: true, position: "right" }
      }]
    };
  }

  document.querySelectorAll(".dashboard-chart").forEach(function (el) {
    var chart = charts[el.getAttribute("data-chart")];
    if (!chart || !chart.items.length) { el.remove(); return; }
    var rows = chart.items.length;
    el.style.height = (el.getAttribute("data-kind") === "pie" ? 240 : Math.max(160, rows * 26 + 24)) + "px";
    var instance = window.echarts.init(el, null, { renderer: "svg" });
    instance.setOption(option(chart, el.getAttribute("data-kind")));
    instance.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    instances.push(instance);
  });
  window.addEventListener("resize", function () {
    instances.forEach(function (i) { i.resize(); });
  });
})();
