"""Reading files as offices send them: formats, sheets, layout, limits (file, line, reason, fix)."""

STRINGS: dict[str, dict[str, str]] = {
    # What in extracts/ is not read.
    "reader.folder_not_read": {
        "zh": "子文件夹中的文件不会被读取：请把数据文件直接放在 extracts/ 中",
        "en": "files in a subfolder are not read: put the data files directly in extracts/",
    },
    "reader.format_not_read": {
        "zh": "未读取「{name}」：不是可读取的数据文件（可读取 .csv .tsv .txt .xlsx .xls .et），"
        "请另存为 .xlsx 或 .csv，或移出 extracts/",
        "en": "'{name}' was not read: not a data file format that is read (.csv .tsv .txt .xlsx "
        ".xls .et); save it as .xlsx or .csv, or move it out of extracts/",
    },
    "reader.xls_unreadable": {
        "zh": "无法读取这个 Excel 97-2003 / WPS 表格文件（{detail}）："
        "请在 Excel 或 WPS 中另存为 .xlsx 后再上传",
        "en": "this Excel 97-2003 / WPS file cannot be read ({detail}): "
        "save it as .xlsx in Excel or WPS and upload it again",
    },
    "reader.not_a_workbook": {
        "zh": "不是表格文件：扩展名是 {suffix}，但内容不是 Excel 工作簿，"
        "请在 Excel 中打开并另存为 .xlsx 后再上传",
        "en": "not a table: the name ends in {suffix} but the content is no Excel workbook; "
        "open it in Excel, save it as .xlsx and upload it again",
    },
    "reader.xml_spreadsheet": {
        "zh": "这是 Excel 2003 XML 表格，不能直接读取：请在 Excel 中另存为 .xlsx 后再上传",
        "en": "this is an Excel 2003 XML spreadsheet, which is not read: "
        "save it as .xlsx in Excel and upload it again",
    },
    # Sheets passed over (warnings on the workbook's first table).
    "reader.hidden_sheet": {
        "zh": "工作表「{sheet}」已隐藏，未读取（如需读取，请在 Excel 中取消隐藏）",
        "en": "sheet '{sheet}' is hidden and was not read (unhide it in Excel to have it read)",
    },
    "reader.instruction_sheet": {
        "zh": "工作表「{sheet}」是填报说明，未读取",
        "en": "sheet '{sheet}' holds instructions and was not read",
    },
    "reader.summary_sheet": {
        "zh": "工作表「{sheet}」是汇总表，未读取，以免与其他工作表重复计数"
        "（如确需读取，请修改工作表名称）",
        "en": "sheet '{sheet}' is a summary and was not read, so that its rows are not counted "
        "twice (rename the sheet to have it read)",
    },
    "reader.other_sheet": {
        "zh": "工作表「{sheet}」中没有找到本类数据的表头，未读取",
        "en": "sheet '{sheet}' has no header of this kind of extract and was not read",
    },
    "reader.sheet_of_no_kind": {
        "zh": "工作表「{sheet}」既不以数据类型命名，表头也不像任何一类数据，未读取",
        "en": "sheet '{sheet}' is not named after a kind and its header fits no kind; not read",
    },
    "reader.columns_truncated": {
        "zh": "第 {limit} 列之后的内容未读取",
        "en": "cells beyond column {limit} were not read",
    },
    # Rows and cells.
    "reader.footnote_ignored": {
        "zh": "表尾的备注/签字行「{value}」，未作为数据读取",
        "en": "a footnote or signature row below the table ('{value}'); not read as data",
    },
    "reader.merged_amount": {
        "zh": "合并单元格跨第 {first}–{last} 行：数值只计入第 {first} 行，"
        "不会复制到其他行；如应逐行填写，请拆分单元格",
        "en": "a merged cell over lines {first}–{last}: the number counts on line {first} "
        "only and is not copied to the others; unmerge it if each line has its own value",
    },
    "reader.formula_not_computed": {
        "zh": "公式没有计算结果，请在 Excel 中打开并保存后再上传",
        "en": "the formula has no computed result: open the file in Excel, save it "
        "and upload it again",
    },
    # Limits: refused quickly, with the reason.
    "reader.too_many_columns": {
        "zh": "该行有 {count} 列，超过上限 {limit} 列，不是数据表：请只保留需要的列后再上传",
        "en": "the line has {count} columns, more than the limit of {limit}; this is not "
        "an extract: keep only the needed columns and upload again",
    },
    "reader.line_too_long": {
        "zh": "该行长 {size_kb} KB，超过上限 {limit_kb} KB，不是数据表的一行："
        "请检查导出的文件是否正确",
        "en": "the line is {size_kb} KB long, more than the limit of {limit_kb} KB; this is "
        "not a row of an extract: check the exported file",
    },
    "reader.field_too_large": {
        "zh": "从该行开始的一个单元格超过 {limit_kb} KB，多半是引号没有成对："
        "请检查该行的引号后再上传",
        "en": "a cell starting on this line is longer than {limit_kb} KB, most likely an "
        "unpaired quote: check the quotes on this line and upload again",
    },
    "reader.bad_record": {
        "zh": "无法解析该行（{detail}）：请检查引号是否成对、单元格内容是否过长",
        "en": "the line cannot be parsed ({detail}): check that quotes are paired and no "
        "cell is overly long",
    },
    "reader.workbook_too_large": {
        "zh": "工作簿解压后有 {size_mb} MB，超过上限 {limit_mb} MB：请删除无关的工作表，"
        "或另存为 CSV 后再上传",
        "en": "the workbook unpacks to {size_mb} MB, more than the limit of {limit_mb} MB: "
        "remove unrelated sheets or save it as CSV and upload again",
    },
    "reader.zip_bomb": {
        "zh": "工作簿中的「{member}」压缩比异常（{ratio}:1，上限 {limit}:1），"
        "可能是损坏或恶意构造的文件，未读取：请在 Excel 中打开并另存后再上传",
        "en": "'{member}' in the workbook is packed {ratio}:1 (the limit is {limit}:1), "
        "a damaged or crafted file, not read: open it in Excel, save it and upload again",
    },
}
