"""E-mail templates: notifications/<template>/<language>/{subject.txt, body.txt, body.html}.

Django's cached template loader (on whenever DEBUG is off) compiles each file once per
process, so rendering an e-mail costs a few hundred microseconds.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def email_language(language: str) -> str:
    available = {code for code, _ in settings.LANGUAGES}
    code = (language or "").split("-")[0].lower()
    return code if code in available else settings.LANGUAGE_CODE


def render_email(*, template: str, language: str, context: dict[str, Any]) -> RenderedEmail:
    base = f"notifications/{template}/{language}"
    with translation.override(language):
        subject = get_template(f"{base}/subject.txt").render(context)
        body_text = get_template(f"{base}/body.txt").render(context)
        body_html = get_template(f"{base}/body.html").render(context)
    return RenderedEmail(
        subject=" ".join(subject.split())[:255],
        body_text=body_text.strip() + "\n",
        body_html=body_html.strip() + "\n",
    )
