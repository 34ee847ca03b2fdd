import Foundation

/// Hands items from one thread to another, holding at most `capacity`: a full channel makes
/// the sender wait, an empty one the receiver. Either side may fail it, which wakes the
/// other with that error, so neither waits on a partner that has stopped.
package final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
  // Every stored property is read and written under `condition` only.
  private let condition = NSCondition()
  private var items: [Element] = []
  private var finished = false
  private var failed: (any Error)?
  private let capacity: Int

  package init(capacity: Int) {
    precondition(capacity > 0, "a channel holds at least one item")
    self.capacity = capacity
  }

  /// Waits for room, then adds `item`; throws the error the channel failed with.
  package func send(_ item: Element) throws {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && failed == nil { condition.wait() }
    if let failed { throw failed }
    items.append(item)
    condition.broadcast()
  }

  /// The next item, or nil once the sender has finished and every item is taken; throws
  /// the error the channel failed with.
  package func receive() throws -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !finished && failed == nil { condition.wait() }
    if let failed { throw failed }
    if items.isEmpty { return nil }
    condition.broadcast()
    return items.removeFirst()
  }

  /// No more items will be sent.
  package func finish() {
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// The error the channel failed with, if it did.
  package var failure: (any Error)? {
    condition.lock()
    defer { condition.unlock() }
    return failed
  }

  /// Stops both sides: every call after this throws `error` (the first one, if failed twice).
  package func fail(_ error: any Error) {
    condition.lock()
    if failed == nil { failed = error }
    condition.broadcast()
    condition.unlock()
  }
}

/// A value handed to another thread, which alone uses it from then on: the ownership that
/// Swift cannot check for a type that is not `Sendable`.
package struct UncheckedTransfer<Value>: @unchecked Sendable {
  package let value: Value

  package init(_ value: Value) { self.value = value }
}
