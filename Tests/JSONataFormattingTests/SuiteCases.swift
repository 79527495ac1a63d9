// Generated from the JSONata test suite (testdata/jsonata-suite/groups) by a one-off script: each
// simple formatting case (literal arguments) became a direct call. Add new cases by hand.

let formatNumberCases: [FormatNumberCase] = [
    FormatNumberCase(
        "function-formatNumber/case000: $formatNumber(12345.6, \"#,###.00\")", value: 12345.6, picture: "#,###.00", options: nil, expected: .string("12,345.60")
    ),
    FormatNumberCase(
        "function-formatNumber/case002: $formatNumber(123412345678.9, \"9,9,99.99\")", value: 123412345678.9, picture: "9,9,99.99", options: nil,
        expected: .string("123412345,6,78.90")),
    FormatNumberCase("function-formatNumber/case004: $formatNumber(123.9, \"9999\")", value: 123.9, picture: "9999", options: nil, expected: .string("0124")),
    FormatNumberCase("function-formatNumber/case005: $formatNumber(0.14, \"01%\")", value: 0.14, picture: "01%", options: nil, expected: .string("14%")),
    FormatNumberCase(
        "function-formatNumber/case006: $formatNumber(0.4857,\"###.###‰\")", value: 0.4857, picture: "###.###‰", options: nil, expected: .string("485.7‰")),
    FormatNumberCase(
        "function-formatNumber/case007: $formatNumber(0.14, \"###pm\", {\"per-mille\": \"pm\"})", value: 0.14, picture: "###pm", options: ["per-mille": "pm"],
        expected: .string("140pm")),
    FormatNumberCase("function-formatNumber/case008: $formatNumber(-6, \"000\")", value: -6, picture: "000", options: nil, expected: .string("-006")),
    FormatNumberCase(
        "function-formatNumber/case009: $formatNumber(1234.5678, \"00.000e0\")", value: 1234.5678, picture: "00.000e0", options: nil,
        expected: .string("12.346e2")),
    FormatNumberCase(
        "function-formatNumber/case010: $formatNumber(1234.5678, \"00.000e000\")", value: 1234.5678, picture: "00.000e000", options: nil,
        expected: .string("12.346e002")),
    FormatNumberCase(
        "function-formatNumber/case011: $formatNumber(1234.5678, \"①①.①①①e①\", {\"zero-digit\": \"⑟\"})", value: 1234.5678, picture: "①①.①①①e①",
        options: ["zero-digit": "⑟"], expected: .string("①②.③④⑥e②")),
    FormatNumberCase(
        "function-formatNumber/case012: $formatNumber(0.234, \"0.0e0\")", value: 0.234, picture: "0.0e0", options: nil, expected: .string("2.3e-1")),
    FormatNumberCase(
        "function-formatNumber/case013: $formatNumber(0.234, \"#.00e0\")", value: 0.234, picture: "#.00e0", options: nil, expected: .string("0.23e0")),
    FormatNumberCase("function-formatNumber/case014: $formatNumber(0.123, \"#.e9\")", value: 0.123, picture: "#.e9", options: nil, expected: .string("0.1e0")),
    FormatNumberCase(
        "function-formatNumber/case015: $formatNumber(0.234, \".00e0\")", value: 0.234, picture: ".00e0", options: nil, expected: .string(".23e0")),
    FormatNumberCase(
        "function-formatNumber/case016: $formatNumber(2392.14*(-36.58), \"000,000.000###;###,###.000###\")", value: 2392.14 * (-36.58),
        picture: "000,000.000###;###,###.000###", options: nil, expected: .string("87,504.4812")),
    FormatNumberCase(
        "function-formatNumber/case017: $formatNumber(2.14*86.58,\"PREFIX##00.000###SUFFIX\")", value: 2.14 * 86.58, picture: "PREFIX##00.000###SUFFIX",
        options: nil, expected: .string("PREFIX185.2812SUFFIX")),
    FormatNumberCase(
        "function-formatNumber/case018: $formatNumber(1E20,\"#,######\")", value: 1e20, picture: "#,######", options: nil,
        expected: .string("100,000000,000000,000000")),
    FormatNumberCase("function-formatNumber/case020: $formatNumber(20,\"#.0.0\")", value: 20, picture: "#.0.0", options: nil, expected: .error("D3081")),
    FormatNumberCase("function-formatNumber/case021: $formatNumber(20,\"#0%%\")", value: 20, picture: "#0%%", options: nil, expected: .error("D3082")),
    FormatNumberCase("function-formatNumber/case022: $formatNumber(20,\"#0‰‰\")", value: 20, picture: "#0‰‰", options: nil, expected: .error("D3083")),
    FormatNumberCase("function-formatNumber/case024: $formatNumber(20,\".e0\")", value: 20, picture: ".e0", options: nil, expected: .error("D3085")),
    FormatNumberCase("function-formatNumber/case025: $formatNumber(20,\"0+.e0\")", value: 20, picture: "0+.e0", options: nil, expected: .error("D3086")),
    FormatNumberCase("function-formatNumber/case026: $formatNumber(20,\"0,.e0\")", value: 20, picture: "0,.e0", options: nil, expected: .error("D3087")),
    FormatNumberCase("function-formatNumber/case027: $formatNumber(20,\"0,\")", value: 20, picture: "0,", options: nil, expected: .error("D3088")),
    FormatNumberCase("function-formatNumber/case028: $formatNumber(20,\"0,,0\")", value: 20, picture: "0,,0", options: nil, expected: .error("D3089")),
    FormatNumberCase("function-formatNumber/case029: $formatNumber(20,\"0#.e0\")", value: 20, picture: "0#.e0", options: nil, expected: .error("D3090")),
    FormatNumberCase("function-formatNumber/case031: $formatNumber(20,\"#0.0e0%\")", value: 20, picture: "#0.0e0%", options: nil, expected: .error("D3092")),
    FormatNumberCase("function-formatNumber/case033: $formatNumber(2, '000.000')", value: 2, picture: "000.000", options: nil, expected: .string("002.000")),
    FormatNumberCase(
        "function-formatNumber/case034: $formatNumber(2, 'AAA.AAA', {'zero-digit': 'A'})", value: 2, picture: "AAA.AAA", options: ["zero-digit": "A"],
        expected: .string("AAC.AAA")),
    FormatNumberCase(
        "function-formatNumber/case035: $formatNumber(0.1, 'AeAAA', {'zero-digit': 'A'})", value: 0.1, picture: "AeAAA", options: ["zero-digit": "A"],
        expected: .string("Be-AAB")),
    FormatNumberCase("function-formatNumber/issue785[0]: $formatNumber(0, '0e0')", value: 0, picture: "0e0", options: nil, expected: .string("0e0")),
    FormatNumberCase("function-formatNumber/issue785[1]: $formatNumber(-42, '0e0')", value: -42, picture: "0e0", options: nil, expected: .string("-4e1")),
    FormatNumberCase("function-formatNumber/issue785[2]: $formatNumber(42, '0e0')", value: 42, picture: "0e0", options: nil, expected: .string("4e1")),
    FormatNumberCase("function-formatNumber/issue785[3]: $formatNumber(0, '0.00e0')", value: 0, picture: "0.00e0", options: nil, expected: .string("0.00e0")),
    FormatNumberCase("function-formatNumber/issue786[0]: $formatNumber(42, '%%')", value: 42, picture: "%%", options: nil, expected: .error("D3086")),
    FormatNumberCase("function-formatNumber/issue786[1]: $formatNumber(42, '‰‰')", value: 42, picture: "‰‰", options: nil, expected: .error("D3086")),
    FormatNumberCase("function-formatNumber/issue786[2]: $formatNumber(42, '%‰')", value: 42, picture: "%‰", options: nil, expected: .error("D3086")),
    FormatNumberCase("function-formatNumber/issue786[3]: $formatNumber(42, '---')", value: 42, picture: "---", options: nil, expected: .error("D3086")),
]

let formatIntegerCases: [FormatIntegerCase] = [
    FormatIntegerCase("function-formatInteger/formatInteger[1]: $formatInteger(123, '000')", value: 123, picture: "000", expected: .string("123")),
    FormatIntegerCase("function-formatInteger/formatInteger[2]: $formatInteger(123, '0000')", value: 123, picture: "0000", expected: .string("0123")),
    FormatIntegerCase("function-formatInteger/formatInteger[3]: $formatInteger(-3, '0000')", value: -3, picture: "0000", expected: .string("-0003")),
    FormatIntegerCase("function-formatInteger/formatInteger[4]: $formatInteger(1234, '0;c')", value: 1234, picture: "0;c", expected: .string("1234")),
    FormatIntegerCase("function-formatInteger/formatInteger[5]: $formatInteger(1234, '###0')", value: 1234, picture: "###0", expected: .string("1234")),
    FormatIntegerCase("function-formatInteger/formatInteger[6]: $formatInteger(12, '###0')", value: 12, picture: "###0", expected: .string("12")),
    FormatIntegerCase("function-formatInteger/formatInteger[7]: $formatInteger(12.6, '###0')", value: 12.6, picture: "###0", expected: .string("12")),
    FormatIntegerCase("function-formatInteger/formatInteger[8]: $formatInteger(123, '000;o')", value: 123, picture: "000;o", expected: .string("123rd")),
    FormatIntegerCase("function-formatInteger/formatInteger[9]: $formatInteger(1, '0;o')", value: 1, picture: "0;o", expected: .string("1st")),
    FormatIntegerCase("function-formatInteger/formatInteger[10]: $formatInteger(28, '#0;o')", value: 28, picture: "#0;o", expected: .string("28th")),
    FormatIntegerCase("function-formatInteger/formatInteger[11]: $formatInteger(1234, '###0;o')", value: 1234, picture: "###0;o", expected: .string("1234th")),
    FormatIntegerCase("function-formatInteger/formatInteger[12]: $formatInteger(12, '###0;o')", value: 12, picture: "###0;o", expected: .string("12th")),
    FormatIntegerCase("function-formatInteger/formatInteger[13]: $formatInteger(12340, '###١')", value: 12340, picture: "###١", expected: .string("١٢٣٤٠")),
    FormatIntegerCase("function-formatInteger/formatInteger[14]: $formatInteger(12340, '###０')", value: 12340, picture: "###０", expected: .string("１２３４０")),
    FormatIntegerCase("function-formatInteger/formatInteger[15]: $formatInteger(12340, '##0０')", value: 12340, picture: "##0０", expected: .error("D3131")),
    FormatIntegerCase("function-formatInteger/formatInteger[16]: $formatInteger(12, '#,##0')", value: 12, picture: "#,##0", expected: .string("12")),
    FormatIntegerCase("function-formatInteger/formatInteger[17]: $formatInteger(1200, '#,##0')", value: 1200, picture: "#,##0", expected: .string("1,200")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[18]: $formatInteger(120000, '#,##0')", value: 120000, picture: "#,##0", expected: .string("120,000")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[19]: $formatInteger(12345678, '#,##0')", value: 12345678, picture: "#,##0", expected: .string("12,345,678")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[20]: $formatInteger(1234567890, '#,##0')", value: 1234567890, picture: "#,##0", expected: .string("1,234,567,890")
    ),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[21]: $formatInteger(1234567890, '#,###,##0')", value: 1234567890, picture: "#,###,##0",
        expected: .string("1,234,567,890")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[22]: $formatInteger(1234567890, '#:###,##0')", value: 1234567890, picture: "#:###,##0",
        expected: .string("1234:567,890")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[23]: $formatInteger(1234567890, '##,##,##0')", value: 1234567890, picture: "##,##,##0",
        expected: .string("12345,67,890")),
    FormatIntegerCase("function-formatInteger/formatInteger[24]: $formatInteger(0, 'I')", value: 0, picture: "I", expected: .string("")),
    FormatIntegerCase("function-formatInteger/formatInteger[25]: $formatInteger(1984, 'I')", value: 1984, picture: "I", expected: .string("MCMLXXXIV")),
    FormatIntegerCase("function-formatInteger/formatInteger[26]: $formatInteger(99, 'i')", value: 99, picture: "i", expected: .string("xcix")),
    FormatIntegerCase("function-formatInteger/formatInteger[27]: $formatInteger(12, 'w')", value: 12, picture: "w", expected: .string("twelve")),
    FormatIntegerCase("function-formatInteger/formatInteger[28]: $formatInteger(20, 'w')", value: 20, picture: "w", expected: .string("twenty")),
    FormatIntegerCase("function-formatInteger/formatInteger[29]: $formatInteger(34, 'w')", value: 34, picture: "w", expected: .string("thirty-four")),
    FormatIntegerCase("function-formatInteger/formatInteger[30]: $formatInteger(99, 'W')", value: 99, picture: "W", expected: .string("NINETY-NINE")),
    FormatIntegerCase("function-formatInteger/formatInteger[31]: $formatInteger(100, 'w')", value: 100, picture: "w", expected: .string("one hundred")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[32]: $formatInteger(555, 'W')", value: 555, picture: "W", expected: .string("FIVE HUNDRED AND FIFTY-FIVE")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[33]: $formatInteger(555, 'Ww')", value: 555, picture: "Ww", expected: .string("Five Hundred and Fifty-Five")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[34]: $formatInteger(919, 'w')", value: 919, picture: "w", expected: .string("nine hundred and nineteen")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[35]: $formatInteger(730, 'w')", value: 730, picture: "w", expected: .string("seven hundred and thirty")),
    FormatIntegerCase("function-formatInteger/formatInteger[36]: $formatInteger(1000, 'w')", value: 1000, picture: "w", expected: .string("one thousand")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[37]: $formatInteger(3730, 'w')", value: 3730, picture: "w",
        expected: .string("three thousand, seven hundred and thirty")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[38]: $formatInteger(327730, 'w')", value: 327730, picture: "w",
        expected: .string("three hundred and twenty-seven thousand, seven hundred and thirty")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[39]: $formatInteger(4327730, 'w')", value: 4327730, picture: "w",
        expected: .string("four million, three hundred and twenty-seven thousand, seven hundred and thirty")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[40]: $formatInteger(1000000000001, 'w')", value: 1000000000001, picture: "w",
        expected: .string("one trillion and one")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[41]: $formatInteger(1234567890123, 'w')", value: 1234567890123, picture: "w",
        expected: .string(
            "one trillion, two hundred and thirty-four billion, five hundred and sixty-seven million, eight hundred and ninety thousand, one hundred and twenty-three"
        )),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[42]: $formatInteger(1000000000000000, 'w')", value: 1000000000000000, picture: "w",
        expected: .string("one thousand trillion")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[43]: $formatInteger(1e+46, 'w')", value: 1e+46, picture: "w",
        expected: .string("ten billion trillion trillion trillion")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[44]: $formatInteger(1234567890123456, 'w')", value: 1234567890123456, picture: "w",
        expected: .string(
            "one thousand, two hundred and thirty-four trillion, five hundred and sixty-seven billion, eight hundred and ninety million, one hundred and twenty-three thousand, four hundred and fifty-six"
        )),
    FormatIntegerCase("function-formatInteger/formatInteger[45]: $formatInteger(12, 'w;o')", value: 12, picture: "w;o", expected: .string("twelfth")),
    FormatIntegerCase("function-formatInteger/formatInteger[46]: $formatInteger(20, 'w;o')", value: 20, picture: "w;o", expected: .string("twentieth")),
    FormatIntegerCase("function-formatInteger/formatInteger[47]: $formatInteger(34, 'w;o')", value: 34, picture: "w;o", expected: .string("thirty-fourth")),
    FormatIntegerCase("function-formatInteger/formatInteger[48]: $formatInteger(99, 'W;o')", value: 99, picture: "W;o", expected: .string("NINETY-NINTH")),
    FormatIntegerCase("function-formatInteger/formatInteger[49]: $formatInteger(100, 'w;o')", value: 100, picture: "w;o", expected: .string("one hundredth")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[50]: $formatInteger(555, 'W;o')", value: 555, picture: "W;o", expected: .string("FIVE HUNDRED AND FIFTY-FIFTH")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[51]: $formatInteger(919, 'w;o')", value: 919, picture: "w;o", expected: .string("nine hundred and nineteenth")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[52]: $formatInteger(730, 'w;o')", value: 730, picture: "w;o", expected: .string("seven hundred and thirtieth")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[53]: $formatInteger(1000, 'w;o')", value: 1000, picture: "w;o", expected: .string("one thousandth")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[54]: $formatInteger(3731, 'w;o')", value: 3731, picture: "w;o",
        expected: .string("three thousand, seven hundred and thirty-first")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[55]: $formatInteger(327713, 'w;o')", value: 327713, picture: "w;o",
        expected: .string("three hundred and twenty-seven thousand, seven hundred and thirteenth")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[56]: $formatInteger(4327732, 'w;o')", value: 4327732, picture: "w;o",
        expected: .string("four million, three hundred and twenty-seven thousand, seven hundred and thirty-second")),
    FormatIntegerCase(
        "function-formatInteger/formatInteger[57]: $formatInteger(1000000000001, 'w;o')", value: 1000000000001, picture: "w;o",
        expected: .string("one trillion and first")),
    FormatIntegerCase("function-formatInteger/formatInteger[58]: $formatInteger(1, 'A')", value: 1, picture: "A", expected: .string("A")),
    FormatIntegerCase("function-formatInteger/formatInteger[59]: $formatInteger(12, 'a')", value: 12, picture: "a", expected: .string("l")),
    FormatIntegerCase("function-formatInteger/formatInteger[60]: $formatInteger(26, 'a')", value: 26, picture: "a", expected: .string("z")),
    FormatIntegerCase("function-formatInteger/formatInteger[61]: $formatInteger(27, 'a')", value: 27, picture: "a", expected: .string("aa")),
    FormatIntegerCase("function-formatInteger/formatInteger[62]: $formatInteger(300, 'A')", value: 300, picture: "A", expected: .string("KN")),
    FormatIntegerCase("function-formatInteger/formatInteger[63]: $formatInteger(123456, 'A')", value: 123456, picture: "A", expected: .string("FZPH")),
    FormatIntegerCase("function-formatInteger/formatInteger[64]: $formatInteger(123456, 'α')", value: 123456, picture: "α", expected: .error("D3130")),
]

let parseIntegerCases: [ParseIntegerCase] = [
    ParseIntegerCase("function-parseInteger/parseInteger[1]: $parseInteger('123', '000')", string: "123", picture: "000", expected: .number(123)),
    ParseIntegerCase("function-parseInteger/parseInteger[2]: $parseInteger('0123', '0000')", string: "0123", picture: "0000", expected: .number(123)),
    ParseIntegerCase("function-parseInteger/parseInteger[3]: $parseInteger('1234', '0')", string: "1234", picture: "0", expected: .number(1234)),
    ParseIntegerCase("function-parseInteger/parseInteger[4]: $parseInteger('1234', '###0')", string: "1234", picture: "###0", expected: .number(1234)),
    ParseIntegerCase("function-parseInteger/parseInteger[5]: $parseInteger('12', '###0')", string: "12", picture: "###0", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[6]: $parseInteger('123rd', '000;o')", string: "123rd", picture: "000;o", expected: .number(123)),
    ParseIntegerCase("function-parseInteger/parseInteger[7]: $parseInteger('1st', '0;o')", string: "1st", picture: "0;o", expected: .number(1)),
    ParseIntegerCase("function-parseInteger/parseInteger[8]: $parseInteger('28th', '#0;o')", string: "28th", picture: "#0;o", expected: .number(28)),
    ParseIntegerCase("function-parseInteger/parseInteger[9]: $parseInteger('1234th', '###0;o')", string: "1234th", picture: "###0;o", expected: .number(1234)),
    ParseIntegerCase("function-parseInteger/parseInteger[10]: $parseInteger('12th', '###0;o')", string: "12th", picture: "###0;o", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[11]: $parseInteger('١٢٣٤٠', '###١')", string: "١٢٣٤٠", picture: "###١", expected: .number(12340)),
    ParseIntegerCase("function-parseInteger/parseInteger[12]: $parseInteger('１２３４０', '###０')", string: "１２３４０", picture: "###０", expected: .number(12340)),
    ParseIntegerCase("function-parseInteger/parseInteger[13]: $parseInteger('12', '#,##0')", string: "12", picture: "#,##0", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[14]: $parseInteger('1,200', '#,##0')", string: "1,200", picture: "#,##0", expected: .number(1200)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[15]: $parseInteger('12,345,678', '#,##0')", string: "12,345,678", picture: "#,##0", expected: .number(12345678)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[16]: $parseInteger('1,234,567,890', '#,##0')", string: "1,234,567,890", picture: "#,##0",
        expected: .number(1234567890)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[17]: $parseInteger('1,234,567,890', '#,###,##0')", string: "1,234,567,890", picture: "#,###,##0",
        expected: .number(1234567890)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[18]: $parseInteger('1234:567,890', '#:###,##0')", string: "1234:567,890", picture: "#:###,##0",
        expected: .number(1234567890)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[19]: $parseInteger('12345,67,890', '##,##,##0')", string: "12345,67,890", picture: "##,##,##0",
        expected: .number(1234567890)),
    ParseIntegerCase("function-parseInteger/parseInteger[20]: $parseInteger('', 'I')", string: "", picture: "I", expected: .number(0)),
    ParseIntegerCase("function-parseInteger/parseInteger[21]: $parseInteger('MCMLXXXIV', 'I')", string: "MCMLXXXIV", picture: "I", expected: .number(1984)),
    ParseIntegerCase("function-parseInteger/parseInteger[22]: $parseInteger('xcix', 'i')", string: "xcix", picture: "i", expected: .number(99)),
    ParseIntegerCase("function-parseInteger/parseInteger[23]: $parseInteger('twelve', 'w')", string: "twelve", picture: "w", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[24]: $parseInteger('twenty', 'w')", string: "twenty", picture: "w", expected: .number(20)),
    ParseIntegerCase("function-parseInteger/parseInteger[25]: $parseInteger('thirty-four', 'w')", string: "thirty-four", picture: "w", expected: .number(34)),
    ParseIntegerCase("function-parseInteger/parseInteger[26]: $parseInteger('NINETY-NINE', 'W')", string: "NINETY-NINE", picture: "W", expected: .number(99)),
    ParseIntegerCase("function-parseInteger/parseInteger[27]: $parseInteger('one hundred', 'w')", string: "one hundred", picture: "w", expected: .number(100)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[28]: $parseInteger('FIVE HUNDRED AND FIFTY-FIVE', 'W')", string: "FIVE HUNDRED AND FIFTY-FIVE", picture: "W",
        expected: .number(555)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[29]: $parseInteger('Five Hundred and Fifty-Five', 'Ww')", string: "Five Hundred and Fifty-Five", picture: "Ww",
        expected: .number(555)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[30]: $parseInteger('nine hundred and nineteen', 'w')", string: "nine hundred and nineteen", picture: "w",
        expected: .number(919)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[31]: $parseInteger('seven hundred and thirty', 'w')", string: "seven hundred and thirty", picture: "w",
        expected: .number(730)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[32]: $parseInteger('one thousand', 'w')", string: "one thousand", picture: "w", expected: .number(1000)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[33]: $parseInteger('three thousand, seven hundred and thirty', 'w')",
        string: "three thousand, seven hundred and thirty", picture: "w", expected: .number(3730)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[34]: $parseInteger('three hundred and twenty-seven thousand, seven hundred and thirty', 'w')",
        string: "three hundred and twenty-seven thousand, seven hundred and thirty", picture: "w", expected: .number(327730)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[35]: $parseInteger('four million, three hundred and twenty-seven thousand, seven hundred and thirty', 'w')",
        string: "four million, three hundred and twenty-seven thousand, seven hundred and thirty", picture: "w", expected: .number(4327730)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[36]: $parseInteger('one trillion and one', 'w')", string: "one trillion and one", picture: "w",
        expected: .number(1000000000001)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[37]: $parseInteger('one trillion, two hundred and thirty-four billion, five hundred and sixty-seven million, eight hundred and ninety thousand, one hundred and twenty-three', 'w')",
        string:
            "one trillion, two hundred and thirty-four billion, five hundred and sixty-seven million, eight hundred and ninety thousand, one hundred and twenty-three",
        picture: "w", expected: .number(1234567890123)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[38]: $parseInteger('one thousand trillion', 'w')", string: "one thousand trillion", picture: "w",
        expected: .number(1000000000000000)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[39]: $parseInteger('ten billion trillion trillion trillion', 'w')",
        string: "ten billion trillion trillion trillion", picture: "w", expected: .number(1e+46)),
    ParseIntegerCase("function-parseInteger/parseInteger[40]: $parseInteger('twelfth', 'w;o')", string: "twelfth", picture: "w;o", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[41]: $parseInteger('twentieth', 'w;o')", string: "twentieth", picture: "w;o", expected: .number(20)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[42]: $parseInteger('thirty-fourth', 'w;o')", string: "thirty-fourth", picture: "w;o", expected: .number(34)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[43]: $parseInteger('NINETY-NINTH', 'W;o')", string: "NINETY-NINTH", picture: "W;o", expected: .number(99)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[44]: $parseInteger('one hundredth', 'w;o')", string: "one hundredth", picture: "w;o", expected: .number(100)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[45]: $parseInteger('FIVE HUNDRED AND FIFTY-FIFTH', 'W;o')", string: "FIVE HUNDRED AND FIFTY-FIFTH", picture: "W;o",
        expected: .number(555)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[46]: $parseInteger('nine hundred and nineteenth', 'w;o')", string: "nine hundred and nineteenth", picture: "w;o",
        expected: .number(919)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[47]: $parseInteger('seven hundred and thirtieth', 'w;o')", string: "seven hundred and thirtieth", picture: "w;o",
        expected: .number(730)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[48]: $parseInteger('Seven Hundred and Thirty-Third', 'Ww;o')", string: "Seven Hundred and Thirty-Third",
        picture: "Ww;o", expected: .number(733)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[49]: $parseInteger('one thousandth', 'w;o')", string: "one thousandth", picture: "w;o", expected: .number(1000)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[50]: $parseInteger('three thousand, seven hundred and thirty-first', 'w;o')",
        string: "three thousand, seven hundred and thirty-first", picture: "w;o", expected: .number(3731)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[51]: $parseInteger('three hundred and twenty-seven thousand, seven hundred and thirteenth', 'w;o')",
        string: "three hundred and twenty-seven thousand, seven hundred and thirteenth", picture: "w;o", expected: .number(327713)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[52]: $parseInteger('four million, three hundred and twenty-seven thousand, seven hundred and thirty-second', 'w;o')",
        string: "four million, three hundred and twenty-seven thousand, seven hundred and thirty-second", picture: "w;o", expected: .number(4327732)),
    ParseIntegerCase(
        "function-parseInteger/parseInteger[53]: $parseInteger('one trillion and first', 'w;o')", string: "one trillion and first", picture: "w;o",
        expected: .number(1000000000001)),
    ParseIntegerCase("function-parseInteger/parseInteger[54]: $parseInteger('A', 'A')", string: "A", picture: "A", expected: .number(1)),
    ParseIntegerCase("function-parseInteger/parseInteger[55]: $parseInteger('l', 'a')", string: "l", picture: "a", expected: .number(12)),
    ParseIntegerCase("function-parseInteger/parseInteger[56]: $parseInteger('z', 'a')", string: "z", picture: "a", expected: .number(26)),
    ParseIntegerCase("function-parseInteger/parseInteger[57]: $parseInteger('aa', 'a')", string: "aa", picture: "a", expected: .number(27)),
    ParseIntegerCase("function-parseInteger/parseInteger[58]: $parseInteger('KN', 'A')", string: "KN", picture: "A", expected: .number(300)),
    ParseIntegerCase("function-parseInteger/parseInteger[59]: $parseInteger('FZPH', 'A')", string: "FZPH", picture: "A", expected: .number(123456)),
    ParseIntegerCase("function-parseInteger/parseInteger[60]: $parseInteger('50', '#')", string: "50", picture: "#", expected: .error("D3130")),
]

let formatBaseCases: [FormatBaseCase] = [
    FormatBaseCase("function-formatBase/case000: $formatBase(100)", value: 100, radix: nil, expected: .string("100")),
    FormatBaseCase("function-formatBase/case002: $formatBase(100, 2)", value: 100, radix: 2, expected: .string("1100100")),
    FormatBaseCase("function-formatBase/case003: $formatBase(-100, 2)", value: -100, radix: 2, expected: .string("-1100100")),
    FormatBaseCase("function-formatBase/case004: $formatBase(100, 36)", value: 100, radix: 36, expected: .string("2s")),
    FormatBaseCase("function-formatBase/case005: $formatBase(99.5, 2.5)", value: 99.5, radix: 2.5, expected: .string("1100100")),
    FormatBaseCase("function-formatBase/case006: $formatBase(100, 1)", value: 100, radix: 1, expected: .error("D3100")),
    FormatBaseCase("function-formatBase/case007: $formatBase(100, 37)", value: 100, radix: 37, expected: .error("D3100")),
    FormatBaseCase("function-formatBase/case008: $formatBase(big_id)", value: 5890840712243076, radix: nil, expected: .string("5890840712243076")),
]

let toMillisCases: [ToMillisCase] = [
    ToMillisCase(
        "function-tomillis/case002: $toMillis(\"2018-02-01T09:42:13.123+0000\")", string: "2018-02-01T09:42:13.123+0000", picture: nil, thenFormat: false,
        expected: .number(1517478133123)),
    ToMillisCase(
        "function-tomillis/case004: $toMillis(\"2017-10-30T15:28:34Z\")", string: "2017-10-30T15:28:34Z", picture: nil, thenFormat: false,
        expected: .number(1509377314000)),
    ToMillisCase("function-tomillis/case005: $toMillis(\"2018\")", string: "2018", picture: nil, thenFormat: false, expected: .number(1514764800000)),
    ToMillisCase("function-tomillis/case007: $toMillis(\"foo\")", string: "foo", picture: nil, thenFormat: false, expected: .error("D3110")),
    ToMillisCase("function-tomillis/case008: $toMillis(\"01-02-2018\")", string: "01-02-2018", picture: nil, thenFormat: false, expected: .error("D3110")),
    ToMillisCase(
        "function-tomillis/case009: $toMillis(\"2018-02-03 11:15:33\")", string: "2018-02-03 11:15:33", picture: nil, thenFormat: false,
        expected: .error("D3110")),
    ToMillisCase(
        "function-tomillis/case011: $toMillis(\"201802\", \"[Y,*-4][M01]\")", string: "201802", picture: "[Y,*-4][M01]", thenFormat: false,
        expected: .number(1517443200000)),
    ToMillisCase(
        "function-tomillis/case012: $toMillis(\"20180205\", \"[Y0001][M01][D01]\")", string: "20180205", picture: "[Y0001][M01][D01]", thenFormat: false,
        expected: .number(1517788800000)),
    ToMillisCase("function-tomillis/parseDateTime[1]: $toMillis('Hello', 'Hello')", string: "Hello", picture: "Hello", thenFormat: false, expected: .undefined),
    ToMillisCase(
        "function-tomillis/parseDateTime[2]: $toMillis('2018', '[Y1]')", string: "2018", picture: "[Y1]", thenFormat: false, expected: .number(1514764800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[3]: $toMillis('2018-03-27', '[Y1]-[M01]-[D01]')", string: "2018-03-27", picture: "[Y1]-[M01]-[D01]", thenFormat: false,
        expected: .number(1522108800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[4]: $toMillis('2018-03-27T14:03:00.123Z', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z')",
        string: "2018-03-27T14:03:00.123Z", picture: "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z", thenFormat: false, expected: .number(1522159380123)),
    ToMillisCase(
        "function-tomillis/parseDateTime[5]: $toMillis('27th 3 1976', '[D1o] [M#1] [Y0001]')", string: "27th 3 1976", picture: "[D1o] [M#1] [Y0001]",
        thenFormat: false, expected: .number(196732800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[6]: $toMillis('21st 12 1881', '[D1o] [M01] [Y0001]')", string: "21st 12 1881", picture: "[D1o] [M01] [Y0001]",
        thenFormat: false, expected: .number(-2777932800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[7]: $toMillis('2nd 12 2012', '[D1o] [M01] [Y0001]')", string: "2nd 12 2012", picture: "[D1o] [M01] [Y0001]",
        thenFormat: false, expected: .number(1354406400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[8]: $toMillis('MCMLXXXIV', '[YI]')", string: "MCMLXXXIV", picture: "[YI]", thenFormat: false,
        expected: .number(441763200000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[9]: $toMillis('27 03 MMXVIII', '[D1] [M01] [YI]')", string: "27 03 MMXVIII", picture: "[D1] [M01] [YI]",
        thenFormat: false, expected: .number(1522108800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[10]: $toMillis('27 iii MMXVIII', '[D1] [Mi] [YI]')", string: "27 iii MMXVIII", picture: "[D1] [Mi] [YI]",
        thenFormat: false, expected: .number(1522108800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[11]: $toMillis('w C mmxviii', '[Da] [MA] [Yi]')", string: "w C mmxviii", picture: "[Da] [MA] [Yi]", thenFormat: false,
        expected: .number(1521763200000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[12]: $toMillis('ae C mmxviii', '[Da] [MA] [Yi]')", string: "ae C mmxviii", picture: "[Da] [MA] [Yi]",
        thenFormat: false, expected: .number(1522454400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[13]: $toMillis('27th April 2008', '[D1o] [MNn] [Y0001]')", string: "27th April 2008", picture: "[D1o] [MNn] [Y0001]",
        thenFormat: false, expected: .number(1209254400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[14]: $toMillis('21 August 2017', '[D1] [MNn] [Y0001]')", string: "21 August 2017", picture: "[D1] [MNn] [Y0001]",
        thenFormat: false, expected: .number(1503273600000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[15]: $toMillis('2 Feb 2012', '[D1] [MNn,3-3] [Y0001]')", string: "2 Feb 2012", picture: "[D1] [MNn,3-3] [Y0001]",
        thenFormat: false, expected: .number(1328140800000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[16]: $toMillis('one thousand, nine hundred and eighty-four', '[Yw]')",
        string: "one thousand, nine hundred and eighty-four", picture: "[Yw]", thenFormat: false, expected: .number(441763200000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[17]: $toMillis('nineteen hundred and eighty-four', '[Yw]')", string: "nineteen hundred and eighty-four",
        picture: "[Yw]", thenFormat: false, expected: .number(441763200000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[18]: $toMillis('twenty-seven April 2008', '[Dw] [MNn] [Y0001]')", string: "twenty-seven April 2008",
        picture: "[Dw] [MNn] [Y0001]", thenFormat: false, expected: .number(1209254400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[19]: $toMillis('twenty-seventh April 2008', '[Dw] [MNn] [Y0001]')", string: "twenty-seventh April 2008",
        picture: "[Dw] [MNn] [Y0001]", thenFormat: false, expected: .number(1209254400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[20]: $toMillis('twenty-first August two thousand and seventeen', '[Dw] [MNn] [Yw]')",
        string: "twenty-first August two thousand and seventeen", picture: "[Dw] [MNn] [Yw]", thenFormat: false, expected: .number(1503273600000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[21]: $toMillis('TWENTY-SECOND August two thousand and seventeen', '[DW] [MNn] [Yw]')",
        string: "TWENTY-SECOND August two thousand and seventeen", picture: "[DW] [MNn] [Yw]", thenFormat: false, expected: .number(1503360000000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[22]: $toMillis('Twentieth of August, two thousand and seventeen', '[DW] of [MNn], [Yw]')",
        string: "Twentieth of August, two thousand and seventeen", picture: "[DW] of [MNn], [Yw]", thenFormat: false, expected: .number(1503187200000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[23]: $toMillis('4/4/2018 12:06 am', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", string: "4/4/2018 12:06 am",
        picture: "[D1]/[M1]/[Y0001] [h]:[m] [P]", thenFormat: false, expected: .number(1522800360000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[24]: $toMillis('4/4/2018 06:30 am', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", string: "4/4/2018 06:30 am",
        picture: "[D1]/[M1]/[Y0001] [h]:[m] [P]", thenFormat: false, expected: .number(1522823400000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[25]: $toMillis('4/4/2018 12:06 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", string: "4/4/2018 12:06 pm",
        picture: "[D1]/[M1]/[Y0001] [h]:[m] [P]", thenFormat: false, expected: .number(1522843560000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[26]: $toMillis('4/4/2018 11:30 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", string: "4/4/2018 11:30 pm",
        picture: "[D1]/[M1]/[Y0001] [h]:[m] [P]", thenFormat: false, expected: .number(1522884600000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[27]: $toMillis('2018-094', '[Y0001]-[d001]')", string: "2018-094", picture: "[Y0001]-[d001]", thenFormat: false,
        expected: .number(1522800000000)),
    ToMillisCase(
        "function-tomillis/parseDateTime[30]: $toMillis('Wednesday, 14th November 2018', '[FNn], [D1o] [MNn] [Y]') ~> $fromMillis()",
        string: "Wednesday, 14th November 2018", picture: "[FNn], [D1o] [MNn] [Y]", thenFormat: true, expected: .string("2018-11-14T00:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[31]: $toMillis('Mon, Twelfth November 2018', '[FNn,*-3], [DWwo] [MNn] [Y]') ~> $fromMillis()",
        string: "Mon, Twelfth November 2018", picture: "[FNn,*-3], [DWwo] [MNn] [Y]", thenFormat: true, expected: .string("2018-11-12T00:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[32]: $toMillis('2018--180', '[Y]--[d]') ~> $fromMillis()", string: "2018--180", picture: "[Y]--[d]", thenFormat: true,
        expected: .string("2018-06-29T00:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[33]: $toMillis('three hundred and sixty-fifth day of 2018', '[dwo] day of [Y]') ~> $fromMillis()",
        string: "three hundred and sixty-fifth day of 2018", picture: "[dwo] day of [Y]", thenFormat: true, expected: .string("2018-12-31T00:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[34]: $toMillis('irrelevent string', '[Y]-[M]-[D]')", string: "irrelevent string", picture: "[Y]-[M]-[D]",
        thenFormat: false, expected: .undefined),
    ToMillisCase(
        "function-tomillis/parseDateTime[35]: $toMillis('2018-05-22', '[Y]-[M]-[q]')", string: "2018-05-22", picture: "[Y]-[M]-[q]", thenFormat: false,
        expected: .error("D3132")),
    ToMillisCase(
        "function-tomillis/parseDateTime[36]: $toMillis('2018-05-22', '[YN]-[M]-[D]')", string: "2018-05-22", picture: "[YN]-[M]-[D]", thenFormat: false,
        expected: .error("D3133")),
    ToMillisCase(
        "function-tomillis/parseDateTime[37]: $toMillis('2018-22', '[Y]-[D]')", string: "2018-22", picture: "[Y]-[D]", thenFormat: false,
        expected: .error("D3136")),
    ToMillisCase(
        "function-tomillis/parseDateTime[38]: $toMillis('5-22 23:59', '[M]-[D] [m]:[s]')", string: "5-22 23:59", picture: "[M]-[D] [m]:[s]", thenFormat: false,
        expected: .error("D3136")),
    ToMillisCase(
        "function-tomillis/parseDateTime[39]: $toMillis('2018-3-2-5', '[X]-[x]-[w]-[F1]')", string: "2018-3-2-5", picture: "[X]-[x]-[w]-[F1]",
        thenFormat: false, expected: .error("D3136")),
    ToMillisCase(
        "function-tomillis/parseDateTime[40]: $toMillis('2018-32-5', '[X]-[W]-[F1]')", string: "2018-32-5", picture: "[X]-[W]-[F1]", thenFormat: false,
        expected: .error("D3136")),
    ToMillisCase(
        "function-tomillis/parseDateTime[41]: $toMillis('2020-09-09 08:00:00 +02:00', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]') ~> $fromMillis()",
        string: "2020-09-09 08:00:00 +02:00", picture: "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]", thenFormat: true,
        expected: .string("2020-09-09T06:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[42]: $toMillis('2020-09-09 08:00:00 GMT-05:00', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]') ~> $fromMillis()",
        string: "2020-09-09 08:00:00 GMT-05:00", picture: "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]", thenFormat: true,
        expected: .string("2020-09-09T13:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[43]: $toMillis('2020-09-09 12:00:00 +05:30', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]') ~> $fromMillis()",
        string: "2020-09-09 12:00:00 +05:30", picture: "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]", thenFormat: true,
        expected: .string("2020-09-09T06:30:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[44]: $toMillis('2020-09-09 12:00:00 GMT-5', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]') ~> $fromMillis()",
        string: "2020-09-09 12:00:00 GMT-5", picture: "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]", thenFormat: true,
        expected: .string("2020-09-09T17:00:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[45]: $toMillis('2020-09-09 12:00:00 +0530', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]') ~> $fromMillis()",
        string: "2020-09-09 12:00:00 +0530", picture: "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z0001]", thenFormat: true,
        expected: .string("2020-09-09T06:30:00.000Z")),
    ToMillisCase(
        "function-tomillis/parseDateTime[46]: $toMillis('2026-04-08T19:05:04.01987', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]') ~> $fromMillis()",
        string: "2026-04-08T19:05:04.01987", picture: "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]", thenFormat: true,
        expected: .string("2026-04-08T19:05:04.019Z")),
]

let fromMillisCases: [FromMillisCase] = [
    FromMillisCase("function-fromMillis/case000: $fromMillis(1)", millis: 1, picture: nil, timezone: nil, expected: .string("1970-01-01T00:00:00.001Z"))
]

let roundTripCases: [RoundTripCase] = [
    RoundTripCase(
        "function-fromMillis/isoWeekDate[0]: ($ts := $toMillis('2005-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2005-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2004-W53-6")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[1]: ($ts := $toMillis('2005-01-02', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2005-01-02",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2004-W53-7")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[2]: ($ts := $toMillis('2005-12-31', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2005-12-31",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2005-W52-6")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[3]: ($ts := $toMillis('2006-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2006-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2005-W52-7")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[4]: ($ts := $toMillis('2006-01-02', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2006-01-02",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2006-W01-1")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[5]: ($ts := $toMillis('2006-12-31', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2006-12-31",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2006-W52-7")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[6]: ($ts := $toMillis('2007-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2007-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2007-W01-1")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[7]: ($ts := $toMillis('2007-12-30', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2007-12-30",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2007-W52-7")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[8]: ($ts := $toMillis('2007-12-31', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2007-12-31",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2008-W01-1")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[9]: ($ts := $toMillis('2008-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2008-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2008-W01-2")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[10]: ($ts := $toMillis('2008-12-28', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2008-12-28",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2008-W52-7")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[11]: ($ts := $toMillis('2008-12-29', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2008-12-29",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W01-1")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[12]: ($ts := $toMillis('2008-12-30', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2008-12-30",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W01-2")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[13]: ($ts := $toMillis('2008-12-31', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2008-12-31",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W01-3")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[14]: ($ts := $toMillis('2009-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2009-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W01-4")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[15]: ($ts := $toMillis('2009-12-31', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2009-12-31",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W53-4")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[16]: ($ts := $toMillis('2010-01-01', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2010-01-01",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W53-5")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[17]: ($ts := $toMillis('2010-01-02', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2010-01-02",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W53-6")),
    RoundTripCase(
        "function-fromMillis/isoWeekDate[18]: ($ts := $toMillis('2010-01-03', '[Y]-[M]-[D]'); $fromMillis($ts, '[X0001]-W[W01]-[F1]') )", string: "2010-01-03",
        parsePicture: "[Y]-[M]-[D]", formatPicture: "[X0001]-W[W01]-[F1]", expected: .string("2009-W53-7")),
]
