"""PDF from an HTML template (WeasyPrint), for the documents the office renders.

The templates extend `pdf/base.html`, which names the CJK fonts installed with `fonts-noto-cjk`
(Noto Serif CJK SC for 仿宋-like body text, Noto Sans CJK SC for 黑体 headings) in its CSS, so every
Chinese character shows: without a named CJK font, Pango may pick a Latin font and draw boxes.
Nothing is fetched from the network: `url_fetcher` refuses every URL that is not a local file.
"""

from django.template.loader import render_to_string


def _no_network(url: str, *args, **kwargs):
    if not url.startswith("file:") and not url.startswith("data:"):
        raise ValueError(f"PDF 生成不访问网络：{url}")
    from weasyprint import default_url_fetcher

    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_no_network).write_pdf()
