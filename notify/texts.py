"""What is sent: each message's template, in Hindi and English, as data IT can read here (and in the admin's
message records, which keep the text as sent).

A DLT gateway sends only registered templates: each text below is registered once per language on the DLT
portal, and its template id goes in NOTIFY_DLT_TEMPLATE_IDS ("notice.hi=1107…"). The `{name}` variables are the
template's variables, sent to the gateway by name and to WhatsApp in the order of ``variables``. Change a text
here and register it again: an unregistered text is refused by the gateway.
"""

from django.conf import settings

TEMPLATES = {
    # Section 56 notice served (mode sms: the message is the notice's delivery record).
    "notice": {
        "variables": ["account_no", "amount", "served_on", "lawful_from"],
        "hi": "केस्को: खाता {account_no} पर {amount} बकाया हेतु विद्युत अधिनियम 2003 की धारा 56 का नोटिस {served_on} को "
              "दिया गया। {lawful_from} से पहले भुगतान न होने पर विद्युत संयोजन काटा जा सकता है। -KESCO",
        "en": "KESCO: notice under section 56, Electricity Act 2003, served on {served_on} for arrears of {amount} "
              "on account {account_no}. Unless paid before {lawful_from}, the supply may be disconnected. -KESCO",
    },
    # A reminder NOTICE_REMINDER_DAYS before a notice's lawful-from date, while it is unpaid.
    "notice_reminder": {
        "variables": ["account_no", "amount", "lawful_from"],
        "hi": "केस्को: खाता {account_no} पर {amount} बकाया। {lawful_from} से विद्युत संयोजन काटा जा सकता है; कृपया "
              "पहले भुगतान करें। -KESCO",
        "en": "KESCO: arrears of {amount} on account {account_no}. The supply may be disconnected from "
              "{lawful_from}; please pay before then. -KESCO",
    },
    # A payment's receipt: amount, receipt number, what is still outstanding.
    "payment_receipt": {
        "variables": ["account_no", "amount", "receipt_no", "paid_on", "outstanding"],
        "hi": "केस्को: खाता {account_no} हेतु {amount} का भुगतान {paid_on} को प्राप्त, रसीद सं. {receipt_no}। "
              "शेष बकाया: {outstanding}। -KESCO",
        "en": "KESCO: payment of {amount} received on {paid_on} for account {account_no}, receipt no. "
              "{receipt_no}. Still outstanding: {outstanding}. -KESCO",
    },
    # A reconnection ordered after a payment, and its completion.
    "reconnection_order": {
        "variables": ["account_no", "due_at"],
        "hi": "केस्को: खाता {account_no} का विद्युत संयोजन पुनः जोड़ने का आदेश जारी; {due_at} तक जोड़ा जाएगा। -KESCO",
        "en": "KESCO: reconnection of account {account_no} ordered; it will be reconnected by {due_at}. -KESCO",
    },
    "reconnection_done": {
        "variables": ["account_no", "reconnected_at"],
        "hi": "केस्को: खाता {account_no} का विद्युत संयोजन {reconnected_at} को पुनः जोड़ दिया गया। -KESCO",
        "en": "KESCO: the supply of account {account_no} was reconnected at {reconnected_at}. -KESCO",
    },
}
LANGUAGES = ("hi", "en")


def template_render(*, template: str, language: str, variables: dict[str, str]) -> str:
    """The text of ``template`` in ``language`` with ``variables`` filled in (each of the template's, no other)."""
    spec = TEMPLATES[template]
    if set(variables) != set(spec["variables"]):
        raise ValueError(f"template {template!r} takes {spec['variables']}, given {sorted(variables)}")
    return spec[language].format_map(variables)


def dlt_template_id(*, template: str, language: str) -> str:
    """The DLT template id registered for this text (blank when the setting has none: the console backend)."""
    return settings.NOTIFY_DLT_TEMPLATE_IDS.get(f"{template}.{language}", "")
