import Hummingbird
import NIOCore

/// The sign-in page: a plain HTML form (no script), escaped throughout.
enum LoginPage {
    static func response(status: HTTPResponse.Status, next: String, username: String, error: String?) -> Response {
        let message = error.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · Skein</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
            form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem;max-width:calc(100% - 1.5rem);box-sizing:border-box}
            h1{font-size:1.3rem;margin-top:0} label{display:block;margin:.8rem 0 .3rem}
            input{width:100%;padding:.5rem;box-sizing:border-box} button{margin-top:1.2rem;width:100%;padding:.6rem}
            .error{color:#b00020}
            </style></head>
            <body><form method="post" action="/login" id="login-form">
            <h1>Sign in to Skein</h1>\(message)
            <input type="hidden" name="next" value="\(escape(next))">
            <label for="username">Username</label><input id="username" name="username" autocomplete="username" value="\(escape(username))" required autofocus>
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form></body></html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
