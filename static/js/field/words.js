// Amounts in words on the phone, for a receipt drawn before the server has the payment (receipt.js): the same
// words as the server's receipt, core/words.py, line for line (tests/browser/test_field_offline.py compares the
// two for many amounts). Indian places (lakh, crore); Hindi below a hundred is a table, as there.
// Also rupees as paise (whole numbers, no float sums) and paise as "₹1,23,456.50" like core's format_inr.
(function (global) {
  "use strict";
  var ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
  var TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
  var HINDI = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ " +
    "दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस " +
    "बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस " +
    "तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस " +
    "चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास " +
    "पचास इक्यावन बावन तिरेपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ " +
    "साठ इकसठ बासठ तिरेसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर " +
    "सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी " +
    "अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी " +
    "नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे"
  ).split(" ");
  var PLACES = [[10000000, "crore", "करोड़"], [100000, "lakh", "लाख"], [1000, "thousand", "हज़ार"],
    [100, "hundred", "सौ"]];

  function belowHundredEn(n) {
    if (n < 20) return ONES[n];
    var ones = n % 10;
    return TENS[(n - ones) / 10] + (ones ? "-" + ONES[ones] : "");
  }

  function whole(n, hindi) {
    if (n < 100) return hindi ? HINDI[n] : belowHundredEn(n);
    var words = [];
    PLACES.forEach(function (place) {
      var count = Math.floor(n / place[0]);
      n = n % place[0];
      if (count) words.push(whole(count, hindi) + " " + (hindi ? place[2] : place[1]));
    });
    if (n) words.push(hindi ? HINDI[n] : belowHundredEn(n));
    return words.join(" ");
  }

  // "1500.505" → 150051 paise: rounded half up at the third decimal, as Decimal.quantize(ROUND_HALF_UP) does.
  // From the decimal string, never through a float.
  function paise(amount) {
    var text = String(amount).trim();
    var match = /^(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) throw new Error("not an amount: " + text);
    var fraction = (match[2] || "") + "000";
    var value = parseInt(match[1], 10) * 100 + parseInt(fraction.slice(0, 2), 10);
    if (fraction.charAt(2) >= "5") value += 1;
    if (!Number.isSafeInteger(value)) throw new Error("too large: " + text);
    return value;
  }

  function split(amount) {
    var value = typeof amount === "number" && Number.isInteger(amount) ? amount * 100 : paise(amount);
    return [Math.floor(value / 100), value % 100];
  }

  function english(amount) {
    var parts = split(amount);
    var text = "Rupees " + whole(parts[0], false);
    if (parts[1]) text += " and " + whole(parts[1], false) + " paise";
    return text + " only";
  }

  function hindi(amount) {
    var parts = split(amount);
    var text = whole(parts[0], true) + " रुपये";
    if (parts[1]) text += " और " + whole(parts[1], true) + " पैसे";
    return text + " मात्र";
  }

  // 12345678 paise → "₹1,23,456.78" (Indian grouping: the last three digits, then pairs); negative "-₹…".
  function inr(valuePaise) {
    var sign = valuePaise < 0 ? "-" : "";
    var abs = Math.abs(valuePaise);
    var rupees = String(Math.floor(abs / 100));
    var cents = String(abs % 100).padStart(2, "0");
    var head = rupees.slice(0, -3);
    var tail = rupees.slice(-3);
    if (head) tail = head.replace(/\B(?=(\d{2})+(?!\d))/g, ",") + "," + tail;
    return sign + "₹" + tail + "." + cents;
  }

  global.KescoWords = { english: english, hindi: hindi, paise: paise, inr: inr };
}(typeof self !== "undefined" ? self : window));
