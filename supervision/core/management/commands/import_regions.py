"""``manage.py import_regions FILE``: load a national division file into the region tree."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.core.management.reference import RegionFileError, RegionImporter, open_text

MAX_SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = (
        "导入行政区划文件（CSV：code,name[,level,parent_code]；代码 6/9/12 位，省、市级可 2/4 位，"
        "补零为 12 位；缺少级别时按代码推断，缺少上级时按代码前缀推断）。可重复执行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 文件路径")
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="文件编码，默认 utf-8（国家统计局文件可用 gbk）"
        )
        parser.add_argument("--chunk-size", type=int, default=5000, help="每批写入的行数")
        parser.add_argument(
            "--keep-placeholders",
            action="store_true",
            help="保留“市辖区”“县”“省直辖县级行政区划”等市级占位行（默认跳过，下级直接挂到省级）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        importer = RegionImporter(
            chunk_size=options["chunk_size"], keep_placeholders=options["keep_placeholders"]
        )
        try:
            with open_text(options["file"], encoding=options["encoding"]) as fh:
                result = importer.run(fh)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{options['file']}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件编码不是 {options['encoding']}，请用 --encoding 指定（如 gbk）") from exc
        except RegionFileError as exc:
            raise CommandError(str(exc)) from exc

        for line, reason in result.errors[:MAX_SHOWN_ERRORS]:
            self.stderr.write(f"第 {line} 行：{reason}")
        if len(result.errors) > MAX_SHOWN_ERRORS:
            self.stderr.write(f"……另有 {len(result.errors) - MAX_SHOWN_ERRORS} 行错误未列出")
        self.stdout.write(
            f"共读取 {result.rows} 行：导入 {result.imported} 行（新增 {result.created}，"
            f"更新 {result.imported - result.created}），跳过占位 {result.skipped_placeholders} 行，"
            f"错误 {len(result.errors)} 行。"
        )
