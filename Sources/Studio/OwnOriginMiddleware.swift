import Hummingbird

/// Refuses requests another web site makes through the user's browser.
///
/// A page elsewhere can post to 127.0.0.1 (regenerating a set, filling the disk) and, by
/// pointing a name of its own at 127.0.0.1 (DNS rebinding), read what the studio serves.
/// So on a loopback address the `Host` must name this machine, and a request that says
/// where it comes from (`Origin`) must come from the studio's own page.
struct OwnOriginMiddleware<Context: RequestContext>: RouterMiddleware {
  var isLoopback: Bool

  static var loopbackNames: Set<String> { ["127.0.0.1", "localhost", "[::1]"] }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let host = request.head.authority ?? ""
    if isLoopback, !Self.loopbackNames.contains(Self.hostName(host)) {
      throw StudioError.forbidden("\(host): the studio answers only requests to this machine")
    }
    if let origin = request.headers[.origin], origin != "http://\(host)" {
      throw StudioError.forbidden("\(origin): requests from other sites are refused")
    }
    return try await next(request, context)
  }

  /// `name:port` without its port (`[::1]:8080` keeps its brackets).
  static func hostName(_ host: String) -> String {
    if host.hasPrefix("["), let end = host.firstIndex(of: "]") { return String(host[...end]) }
    return String(host.split(separator: ":", maxSplits: 1).first ?? "")
  }
}

extension StudioServer {
  static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1"]
}
