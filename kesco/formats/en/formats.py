"""Indian formats for every page, export, e-mail and the admin, in English and Hindi alike:
dates as 02-12-2026, times as 11:13 (24-hour, India time), digits grouped 12,34,56,789.00.

The Hindi module imports this one: the formats are the same; only the words differ.
"""

DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "d-m-Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "d-m"
FIRST_DAY_OF_WEEK = 1  # Monday
# What a typed date may look like; ISO first, which <input type="date"> sends.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)  # lakh and crore: 1,23,45,678
