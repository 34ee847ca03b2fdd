internal import CTorchBridge

/// A failure reported by the libtorch bridge.
package struct TorchError: Error, CustomStringConvertible {
  package enum Code: Sendable { case invalidArgument, torch, unknown }
  package var code: Code
  package var operation: String
  package var message: String

  package var description: String { "\(operation): \(message)" }
}

/// Turns a bridge status into a `TorchError` carrying the bridge's message.
func check(_ status: tb_status, _ operation: @autoclosure () -> String) throws {
  guard status != TB_OK else { return }
  let code: TorchError.Code =
    switch status {
    case TB_ERR_ARGUMENT: .invalidArgument
    case TB_ERR_TORCH: .torch
    default: .unknown
    }
  throw TorchError(code: code, operation: operation(), message: String(cString: tb_last_error()))
}

/// Checks that a buffer holds the `expected` values C will read, before C reads them.
func requireCount(_ buffer: [Float], _ expected: Int, _ what: String, operation: String) throws {
  guard expected > 0, buffer.count == expected else {
    throw TorchError(
      code: .invalidArgument, operation: operation,
      message: "\(buffer.count) values of \(what) where the batch's shape needs \(expected)")
  }
}
