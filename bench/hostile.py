#!/usr/bin/env python3
"""Writes the hostile workbooks of issue 18 into DIR, one per reproducer: a single far cell,
shared strings claiming 2^32-1 and 2^64-1 strings, a zip bomb (a sheet of 1 GB of one
repeated row), a sheet-wide merge, a million rows without row numbers."""
import sys
import zipfile

HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>organisation_ref</t></is></c><c r="B1" t="inlineStr"><is><t>worker_ref</t></is></c><c r="C1" t="inlineStr"><is><t>role_code</t></is></c></row>'


def book(path, sheet_parts, shared=None):
    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared else '')
          + '</Types>')
    z.writestr("[Content_Types].xml", ct)
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Workers" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared else '') + '</Relationships>')
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for p in sheet_parts:
            f.write(p if isinstance(p, bytes) else p.encode())
        f.write(b"</worksheet>")
    if shared:
        z.writestr("xl/sharedStrings.xml", shared)
    z.close()


def repeated(chunk, total):
    block = chunk * (1024 * 1024 // len(chunk))
    for _ in range(total // len(block)):
        yield block


out = sys.argv[1]
book(f"{out}/far-cell.xlsx", ['<dimension ref="A1:XFD1048576"/><sheetData>', HEADER,
                              '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'])
for name, count in [("strings-2e32", 4294967295), ("strings-2e64", 18446744073709551615)]:
    book(f"{out}/{name}.xlsx", ["<sheetData>", HEADER, "</sheetData>"],
         shared=f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"><si><t>x</t></si></sst>')
row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
book(f"{out}/zip-bomb.xlsx", ["<sheetData>", HEADER, *repeated(row, 1024 * 1024 * 1024), "</sheetData>"])
book(f"{out}/sheet-wide-merge.xlsx", ["<sheetData>", HEADER,
                                      '<row r="2"><c r="A2" t="inlineStr"><is><t>NURSERY-1</t></is></c></row></sheetData>',
                                      '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'])
rows = (f'<row><c t="inlineStr"><is><t>ORG-{i % 97}</t></is></c><c t="inlineStr"><is><t>W{i * 7919 % 1000003}</t></is></c></row>'.encode() for i in range(1_000_000))
book(f"{out}/million-rows-without-r.xlsx", ["<sheetData>", HEADER, *rows, "</sheetData>"])
