/// The OpenAPI 3.1 description of every route (`GET /api/v1/openapi.json`, docs/http.md), from
/// `Resources/openapi.json`, which the build embeds in the binary: ispmon installs as one binary
/// (a Pi), and nothing is read from disk to serve it. `OpenAPITests` checks it with
/// openapi-spec-validator and fuzzes the live server against it with schemathesis, and
/// `RouteTableTests` checks that it describes exactly the routes the server has, so a route or a
/// JSON form (JSONForms) that changes without it fails the tests.
/// `/api/v1/jobs/{job}` names its jobs as examples, not an enum: schemathesis 4.32.5 fails
/// with an internal error (in CPython's AST check) on an enum in a path parameter.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json
}
