"""领导驾驶舱 (issue 16): the leaders' dashboard, reading the indicator registry only."""
