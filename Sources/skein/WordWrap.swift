/// `text` broken into lines of at most `width` characters (a longer word stands alone), each
/// starting with `indent`: the help texts of `skein connector show` and `skein blueprint show`.
func wrapWords(_ text: String, indent: String, width: Int = 100) -> String {
    var lines: [String] = []
    var line = indent
    for word in text.split(separator: " ") {
        if line.count + word.count + 1 > width, line != indent {
            lines.append(line)
            line = indent
        }
        line += (line == indent ? "" : " ") + word
    }
    if line != indent { lines.append(line) }
    return lines.joined(separator: "\n")
}
