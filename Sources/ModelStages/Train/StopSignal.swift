import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT) into a request the training loop reads between steps, so it can
/// write a checkpoint before it stops. A second Ctrl-C ends the process at once.
final class StopSignal {
  private final class Flag: Sendable {
    let isSet = Atomic<Bool>(false)
  }

  private let flag = Flag()
  private let source: any DispatchSourceSignal

  init() {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    self.source = source
    source.setEventHandler { [flag] in
      if flag.isSet.exchange(true, ordering: .relaxed) { exit(130) }
    }
    source.resume()
  }

  deinit {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }

  var isRequested: Bool { flag.isSet.load(ordering: .relaxed) }
}
