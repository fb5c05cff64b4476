"""Text in both languages at once, whatever the reader chose: a receipt is handed over on paper and read by
whoever holds it, so it says everything in English and in Hindi, side by side.

    {% bilingual %}{% translate "Receipt no." %}{% endbilingual %}

renders the block once in each language, each part marked with its lang (the Hindi pages' check skips the part
marked English on purpose). The strings stay ordinary {% translate %} tags, so makemessages finds them.
"""

from django import template
from django.utils import translation
from django.utils.html import format_html_join

register = template.Library()

# English first, as UPPCL's printed receipts are laid out.
LANGUAGES = ("en", "hi")


class BilingualNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context) -> str:
        parts = []
        for code in LANGUAGES:
            with translation.override(code):
                parts.append((code, self.nodelist.render(context)))
        return format_html_join(" ", '<span lang="{}">{}</span>', parts)


@register.tag
def bilingual(parser, token) -> BilingualNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% bilingual %} takes no arguments")
    nodelist = parser.parse(("endbilingual",))
    parser.delete_first_token()
    return BilingualNode(nodelist)

