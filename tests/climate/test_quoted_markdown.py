"""The factor page's quoted source: its light Markdown is rendered (no stray asterisks) and nothing else is."""

from __future__ import annotations

from citybridge.climate.templatetags.climate_text import quoted_markdown


def test_bold_italic_and_lines_are_rendered_after_escaping():
    text = "Status: ✔✔. Sources:\n1. **GHGP-V2**, sheet *Stationary Combustion*, Table 1 <script>x</script>"
    html = str(quoted_markdown(text))
    assert "<strong>GHGP-V2</strong>" in html and "<em>Stationary Combustion</em>" in html
    assert "<br>1." in html and "**" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_lone_asterisk_or_a_product_is_left_alone():
    assert str(quoted_markdown("2 * 3 * 4 kg")) == "2 * 3 * 4 kg"
    assert str(quoted_markdown("CO2*")) == "CO2*"
    assert str(quoted_markdown(None)) == ""
