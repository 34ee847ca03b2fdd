extension Sequence where Element: Sendable {
  /// Runs `transform` on at most `limit` child tasks at once; results keep input order.
  ///
  /// For synchronous CPU-bound work. Memory stays bounded by `limit` items in flight plus
  /// the results. The first error cancels the remaining work.
  package func concurrentMap<T: Sendable>(
    limit: Int, _ transform: @escaping @Sendable (Element) throws -> T
  ) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
      var results: [(Int, T)] = []
      var inFlight = 0
      for (index, element) in enumerated() {
        if inFlight >= Swift.max(1, limit), let finished = try await group.next() {
          results.append(finished)
          inFlight -= 1
        }
        try Task.checkCancellation()
        group.addTask { try (index, transform(element)) }
        inFlight += 1
      }
      for try await finished in group { results.append(finished) }
      return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }
}
