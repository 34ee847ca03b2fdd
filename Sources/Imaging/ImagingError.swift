internal import CImageBridge

/// A failure reported by the OpenCV bridge.
package struct ImagingError: Error, CustomStringConvertible {
  package enum Code: Sendable { case io, invalidArgument, opencv, unknown }
  package var code: Code
  package var operation: String
  package var message: String

  package var description: String { "\(operation): \(message)" }
}

/// Turns a bridge status into an `ImagingError` carrying the bridge's message.
func check(_ status: cvb_status, _ operation: @autoclosure () -> String) throws {
  guard status != CVB_OK else { return }
  let code: ImagingError.Code =
    switch status {
    case CVB_ERR_IO: .io
    case CVB_ERR_ARGUMENT: .invalidArgument
    case CVB_ERR_OPENCV: .opencv
    default: .unknown
    }
  throw ImagingError(code: code, operation: operation(), message: String(cString: cvb_last_error()))
}
