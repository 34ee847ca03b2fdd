import CelCore
import Foundation
import Testing

/// The channel between cel-apply's decoding, cartoonizing and encoding threads.
@Suite struct BoundedChannelTests {
  struct Stop: Error {}

  @Test func itemsArriveInOrderPastAFullChannelAndEndWithNil() throws {
    let channel = BoundedChannel<Int>(capacity: 1)
    let sent = DispatchSemaphore(value: 0)
    Thread {
      for item in 0..<50 { try? channel.send(item) }
      channel.finish()
      sent.signal()
    }.start()
    var received: [Int] = []
    while let item = try channel.receive() { received.append(item) }
    sent.wait()
    #expect(received == Array(0..<50))
  }

  @Test func aFailureWakesASenderWaitingOnAFullChannel() throws {
    let channel = BoundedChannel<Int>(capacity: 1)
    try channel.send(1)
    let outcome = UncheckedTransfer(NSMutableArray())
    let done = DispatchSemaphore(value: 0)
    Thread {
      do { try channel.send(2) } catch { outcome.value.add("\(type(of: error))") }
      done.signal()
    }.start()
    Thread.sleep(forTimeInterval: 0.1)  // the sender is waiting for room
    channel.fail(Stop())
    #expect(done.wait(timeout: .now() + 10) == .success)
    #expect(outcome.value as? [String] == ["Stop"])
    #expect(throws: Stop.self) { try channel.receive() }
    #expect(channel.failure is Stop)
  }
}
