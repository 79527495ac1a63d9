/// An error raised by the picture-string functions (`$fromMillis`, `$toMillis`,
/// `$formatInteger`, `$parseInteger`, `$formatNumber`, `$formatBase`).
///
/// `code` is the JSONata error code that jsonata-js throws in the same situation,
/// so callers can map it onto the engine's own error type unchanged, e.g.
/// `FormattingError(code: "D3100", message: ...)` for `$formatBase(100, 37)`.
struct FormattingError: Error, Equatable, Sendable {
    let code: String
    let message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The messages follow the wording of jsonata-js's error catalogue.
    static func code(_ code: String, _ detail: String = "") -> FormattingError {
        let base: String
        switch code {
        case "D3080": base = "The picture string must only contain a maximum of two sub-pictures"
        case "D3081": base = "The sub-picture must not contain more than one instance of the 'decimal-separator' character"
        case "D3082": base = "The sub-picture must not contain more than one instance of the 'percent' character"
        case "D3083": base = "The sub-picture must not contain more than one instance of the 'per-mille' character"
        case "D3084": base = "The sub-picture must not contain both a 'percent' and a 'per-mille' character"
        case "D3085":
            base =
                "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"
        case "D3086":
            base =
                "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
        case "D3087": base = "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"
        case "D3088": base = "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"
        case "D3089": base = "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"
        case "D3090":
            base =
                "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"
        case "D3091":
            base =
                "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"
        case "D3092": base = "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"
        case "D3093": base = "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"
        case "D3100": base = "The radix of the formatBase function must be between 2 and 36"
        case "D3110": base = "The argument of the toMillis function must be an ISO 8601 formatted timestamp"
        case "D3130": base = "Formatting or parsing an integer as a sequence starting with this token is not supported by this implementation"
        case "D3131": base = "In a decimal digit pattern, all digits must be from the same decimal group"
        case "D3132": base = "Unknown component specifier in date/time picture string"
        case "D3133": base = "The 'name' modifier can only be applied to months and days in the date/time picture string, not this component"
        case "D3134": base = "The timezone integer format specifier cannot have more than four digits"
        case "D3135": base = "No matching closing bracket ']' in date/time picture string"
        case "D3136": base = "The date/time picture string is missing specifiers required to parse the timestamp"
        default: base = "Formatting error"
        }
        return FormattingError(code: code, message: detail.isEmpty ? base : "\(base): \(detail)")
    }
}
