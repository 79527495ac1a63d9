import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Reading the http shape's settings")
struct SettingsTests {
    @Test func aGoodReceiveHasNoProblems() {
        let settings: JSON = [
            "instance": "shop", "direction": "receive", "method": "get", "path": "/orders?status={{status}}",
            "query": ["limit": 100], "headers": ["Accept": "application/json"],
            "pagination": ["type": "page", "param": "page", "start": 1], "max_pages": 100, "items_path": "orders", "timeout": "30s",
        ]
        #expect(problems(settings) == [])
    }

    @Test func badPaginationTypeIsReportedWithItsPath() {
        let settings: JSON = ["instance": "shop", "direction": "receive", "pagination": ["type": "pages"]]
        #expect(problems(settings) == ["shapes[0].http.pagination.type: 'pages' is not one of page, offset, cursor, link_header, next_url, graphql_cursor"])
    }

    @Test func unknownFieldsAndBadValues() {
        let settings: JSON = [
            "instance": "shop", "direction": "recieve", "method": "FETCH", "path": "/x/{{oops", "retires": 3,
            "pagination": ["type": "cursor", "param": "c"], "timeout": "soon",
        ]
        #expect(
            Set(problems(settings)) == [
                "shapes[0].http.direction: 'recieve' is not one of receive, send",
                "shapes[0].http.method: 'FETCH' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
                "shapes[0].http.path: '{{' without a closing '}}' in '/x/{{oops'",
                "shapes[0].http.retires: unknown field 'retires'",
                "shapes[0].http.pagination.cursor_path: required field is missing",
                "shapes[0].http.timeout: expected a duration such as 500ms, 2s, 5m or 1h, found \"soon\"",
            ])
    }

    @Test func settingsThatOnlyMakeSenseForTheOtherDirection() {
        #expect(
            problems(["instance": "shop", "direction": "send", "pagination": ["type": "link_header"]])
                == ["shapes[0].http.pagination: applies to direction: receive only"])
        #expect(
            problems(["instance": "shop", "direction": "receive", "body": "json"])
                == ["shapes[0].http.body: applies to direction: send only (a receive sends no payload)"])
        #expect(
            problems(["direction": "send", "body": "xml"]) == [
                "shapes[0].http.instance: required field is missing",
                "shapes[0].http.body: 'xml' is not one of json, form, raw",
            ])
    }

    @Test func instanceSettingsProblemsNameTheInstance() async throws {
        let executor = try prepare(makeShape(), ["instance": "shop", "direction": "receive"])
        var instance = httpInstance(address: "http://127.0.0.1:1", auth: ["type": "oauth2_client_credentials"])
        instance.settings = ["auth": ["type": "oauth2_client_credentials"], "colour": "blue"]
        let problem = try await failure(of: executor, instance: instance)
        #expect(
            problem.message
                == "instance 'shop' is not set up right: settings.auth.token_url: required field is missing; credentials: auth oauth2_client_credentials needs 'client_id' and 'client_secret'; settings.colour: unknown field 'colour'"
        )
        instance.settings = ["auth": "kerberos"]
        #expect(
            try await failure(of: executor, instance: instance).message
                == "instance 'shop' is not set up right: settings.auth: 'kerberos' is not one of none, basic, bearer, api_key, oauth2_client_credentials, oauth2_refresh_token"
        )
    }
}
