#if canImport(Glibc)
import Glibc
#endif
public import Foundation

/// A network namespace with only loopback, made by a test (`ip netns add`) and removed at
/// ``remove()``: what a test runs in when the code under test chooses where to send packets
/// (the ad-hoc tools, a fuzzer), so that nothing can leave the machine.
public final class LoopbackNamespace: @unchecked Sendable {
    // @unchecked: `name` never changes; the processes are started and killed by the test's thread.
    public let name: String
    var pids: [pid_t] = []

    /// Why a namespace cannot be made here (not root, no `ip`), or nil.
    public static var unavailable: String? {
        if getuid() != 0 { return "needs root to make a network namespace" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") { return "needs /usr/sbin/ip (iproute2)" }
        return nil
    }

    /// Makes the namespace and brings its loopback up; nil (with the reason) when it cannot.
    public init(prefix: String) throws {
        name = prefix + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        guard LoopbackNamespace.ip(["netns", "add", name]) == 0,
              LoopbackNamespace.ip(["netns", "exec", name, "ip", "link", "set", "lo", "up"]) == 0 else {
            throw NamespaceError("could not make the network namespace \(name)")
        }
    }

    /// The namespace's interfaces, one a line (`ip -o link`): a test checks it has only `lo`.
    public var links: [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = ["netns", "exec", name, "ip", "-o", "link"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Starts `executable` inside the namespace, its output to /dev/null; it is killed at
    /// ``remove()``. posix_spawn rather than Foundation's Process: Foundation's child reaping
    /// blocks in wait4 on a long-lived child (seen with dnsmasq), and every later Process of
    /// the test then waits for ever for its own exit to be noticed.
    @discardableResult
    public func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> pid_t {
        let argv = ["/usr/sbin/ip", "netns", "exec", name, executable] + arguments
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw NamespaceError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pids.append(pid)
        return pid
    }

    /// Runs `body` on a thread of its own that has joined the namespace (setns affects only
    /// the calling thread), so that the test's own sockets are inside it too.
    public func inside<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let path = "/var/run/netns/\(name)"
        let thread = Thread {
            defer { done.signal() }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            guard let setns = LoopbackNamespace.setns, setns(fd, LoopbackNamespace.cloneNewNet) == 0 else { return }
            box.value = body()
        }
        thread.start()
        done.wait()
        return box.value
    }

    /// Kills what ``start`` started and removes the namespace.
    public func remove() {
        for pid in pids {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        pids = []
        _ = LoopbackNamespace.ip(["netns", "del", name])
    }

    /// setns(2), which Glibc's module does not declare (it needs _GNU_SOURCE).
    static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    static let cloneNewNet: Int32 = 0x4000_0000

    static func ip(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

public struct NamespaceError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A value handed from a thread to the one waiting for it.
final class ResultBox<T>: @unchecked Sendable {
    // @unchecked: written by the thread before it signals, read by the waiter after.
    var value: T?
}
