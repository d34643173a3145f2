"""Small real PDF labels for the fake DHL server (and tests): one page of 100 x 150 mm with the
tracking number, made with pikepdf so every label opens in a viewer and merges like DHL's."""

import io

import pikepdf


def label_pdf(*, title: str, tracking_number: str, lines: list[str]) -> bytes:
    pdf = pikepdf.new()
    width, height = 100 * 720 // 254, 150 * 720 // 254  # 100 x 150 mm in points
    pdf.add_blank_page(page_size=(width, height))
    page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    text = [f"BT /F1 16 Tf 20 {height - 40} Td ({_escape(title)}) Tj ET",
            f"BT /F1 12 Tf 20 {height - 70} Td ({_escape(tracking_number)}) Tj ET"]
    for index, line in enumerate(lines[:12]):
        text.append(f"BT /F1 9 Tf 20 {height - 100 - 14 * index} Td ({_escape(line)}) Tj ET")
    text.append(f"0 0 0 RG 2 w 15 15 {width - 30} {height - 30} re S")
    page.Contents = pdf.make_stream("\n".join(text).encode("latin-1", "replace"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _escape(value: str) -> str:
    value = value.encode("latin-1", "replace").decode("latin-1")
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
