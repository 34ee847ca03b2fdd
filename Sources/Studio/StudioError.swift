import Foundation
import Hummingbird

/// What the studio refuses, each with its HTTP status; the page shows the message.
package enum StudioError: Error, Equatable, CustomStringConvertible {
  /// A name that climbs out of the folders given at start-up.
  case outside(String)
  case notFound(String)
  case badRequest(String)
  case tooLarge(String)
  case unsupported(String)
  /// The work queue is full.
  case busy(String)
  /// A request from elsewhere than the studio's own page.
  case forbidden(String)

  package var description: String {
    switch self {
    case .outside(let name): "\(name): outside the folders this studio serves"
    case .notFound(let what): "\(what): not found"
    case .badRequest(let why), .tooLarge(let why), .unsupported(let why), .busy(let why),
      .forbidden(let why):
      why
    }
  }
}

extension StudioError: HTTPResponseError {
  package var status: HTTPResponse.Status {
    switch self {
    case .outside, .forbidden: .forbidden
    case .notFound: .notFound
    case .badRequest: .badRequest
    case .tooLarge: .contentTooLarge
    case .unsupported: .unsupportedMediaType
    case .busy: .serviceUnavailable
    }
  }

  package func response(from request: Request, context: some RequestContext) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    let body = try encoder.encode(["error": description])
    return Response(
      status: status, headers: [.contentType: "application/json"],
      body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }
}
