import Foundation

/// A single-node Slurm cluster from Debian's packages (`munged`, `slurmctld`, `slurmd`),
/// brought up in a temporary folder for one test and shut down by `stop()`.
///
/// It runs as the user running the tests: that user is Slurm's user, jobs run as that
/// user, and processes are tracked without cgroups (`proctrack/linuxproc`, `task/none`),
/// so no system configuration is touched.
package final class SlurmCluster {
  package let folder: URL
  package var configuration: URL { folder.appendingPathComponent("slurm.conf") }
  /// The daemons, run in the foreground as this process's children and stopped by it.
  /// They are spawned directly: Foundation's `Process` reaps its children in one blocking
  /// loop, so a long-running one would keep every later `waitUntilExit` from returning.
  private var daemons: [pid_t] = []

  package enum Problem: Error, CustomStringConvertible {
    case failed(String)
    package var description: String {
      switch self {
      case .failed(let text): "Slurm test cluster: \(text)"
      }
    }
  }

  /// Starts the daemons and waits until the node takes jobs.
  package init(cpus: Int = 2) throws {
    folder = URL(fileURLWithPath: "/tmp/cel-slurm-\(UUID().uuidString.prefix(8))")
    for name in ["state", "spool"] {
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
    }
    let key = folder.appendingPathComponent("munge.key")
    var generator = SystemRandomNumberGenerator()
    try Data((0..<1024).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: key.path)
    let path = folder.path
    try start(
      "/usr/sbin/munged",
      [
        "--foreground", "--force", "--key-file=\(key.path)", "--socket=\(path)/munge.sock",
        "--pid-file=\(path)/munged.pid", "--log-file=\(path)/munged.log",
        "--seed-file=\(path)/munge.seed",
      ])
    let host =
      ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
    let user = String(cString: getpwuid(getuid()).pointee.pw_name)
    let port = Int.random(in: 20_000..<40_000)
    let memory = ProcessInfo.processInfo.physicalMemory >> 20
    let settings = """
      ClusterName=celtest
      SlurmctldHost=\(host)
      SlurmUser=\(user)
      SlurmdUser=\(user)
      AuthType=auth/munge
      AuthInfo=socket=\(path)/munge.sock
      CredType=cred/munge
      SlurmctldPort=\(port)
      SlurmdPort=\(port + 1)
      StateSaveLocation=\(path)/state
      SlurmdSpoolDir=\(path)/spool
      SlurmctldPidFile=\(path)/slurmctld.pid
      SlurmdPidFile=\(path)/slurmd.pid
      SlurmctldLogFile=\(path)/slurmctld.log
      SlurmdLogFile=\(path)/slurmd.log
      ProctrackType=proctrack/linuxproc
      TaskPlugin=task/none
      SelectType=select/cons_tres
      SelectTypeParameters=CR_CPU
      ReturnToService=2
      MpiDefault=none
      JobAcctGatherType=jobacct_gather/none
      AccountingStorageType=accounting_storage/none
      JobCompType=jobcomp/none
      NodeName=\(host) CPUs=\(cpus) RealMemory=\(memory) State=UNKNOWN
      PartitionName=test Nodes=\(host) Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES

      """
    try Data(settings.utf8).write(to: configuration)
    for _ in 0..<500 where !FileManager.default.fileExists(atPath: "\(path)/munge.sock") {
      usleep(20_000)
    }
    try start("/usr/sbin/slurmctld", ["-D", "-i", "-f", configuration.path])
    try start("/usr/sbin/slurmd", ["-D", "-f", configuration.path])
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      if (try? output("sinfo", ["-h", "-o", "%t"]))?.contains("idle") == true { return }
      Thread.sleep(forTimeInterval: 0.2)
    }
    throw Problem.failed("the node did not come up within 30 s (see \(path)/slurmd.log)")
  }

  /// The environment a Slurm client command needs to reach this cluster.
  package var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["SLURM_CONF"] = configuration.path
    return environment
  }

  /// Runs a Slurm client (or any command) against this cluster and returns what it printed.
  package func output(
    _ command: String, _ arguments: [String], environment extra: [String: String] = [:]
  )
    throws -> String
  {
    let process = Process()
    process.executableURL = URL(
      fileURLWithPath: command.hasPrefix("/") ? command : "/usr/bin/\(command)")
    process.arguments = arguments
    process.environment = environment.merging(extra) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Problem.failed("\(command) \(arguments.joined(separator: " ")) failed: \(text)")
    }
    return text
  }

  /// Waits until no job is queued or running.
  package func waitForJobs(timeout: TimeInterval) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if try output("squeue", ["-h"]).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        return
      }
      Thread.sleep(forTimeInterval: 0.5)
    }
    throw Problem.failed("jobs still queued after \(Int(timeout)) s")
  }

  /// Shuts the daemons down.
  package func stop() {
    for pid in daemons { kill(pid, SIGTERM) }
    var status: Int32 = 0
    for _ in 0..<100 where daemons.contains(where: { waitpid($0, &status, WNOHANG) == 0 }) {
      usleep(20_000)
    }
    // A daemon still there after two seconds is killed.
    for pid in daemons where waitpid(pid, &status, WNOHANG) == 0 {
      kill(pid, SIGKILL)
      waitpid(pid, &status, 0)
    }
    daemons = []
    try? FileManager.default.removeItem(at: folder)
  }

  deinit { stop() }

  private func start(_ command: String, _ arguments: [String]) throws {
    let argv = ([command] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let status = posix_spawn(&pid, command, &actions, nil, argv, envp)
    guard status == 0 else { throw Problem.failed("cannot start \(command): error \(status)") }
    daemons.append(pid)
  }
}
