import ArgumentParser
import Foundation
import ISPMonMonitor
import ISPMonConfig
import ISPMonServer

/// Where the config lives when --config is not given.
enum ConfigLocation {
    static var defaultPath: String {
        if getuid() == 0 { return "/etc/ispmon/ispmon.yaml" }
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (env["HOME"] ?? ".") + "/.config"
        return base + "/ispmon/ispmon.yaml"
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Detect this machine's interface, gateway and resolvers, and write a commented config.")

    @Option(help: ArgumentHelp("Where to write it (default: /etc/ispmon/ispmon.yaml as root, else ~/.config/ispmon/ispmon.yaml).",
                               valueName: "FILE"))
    var config: String?
    @Flag(help: "Overwrite an existing file.")
    var force = false
    @Option(name: .customLong("trace-to"), help: ArgumentHelp(
        "Find the ISP's first hop by tracing the path to this host (needs CAP_NET_RAW or root; else `host: auto`).",
        valueName: "HOST"))
    var traceTo = "1.1.1.1"
    @OptionGroup var store: StoreOptions

    func run() throws {
        try ispmon.run {
            let path = config ?? ConfigLocation.defaultPath
            if FileManager.default.fileExists(atPath: path) && !force {
                throw ValidationError("\(path) exists: not overwritten (use --force)")
            }
            let detected = Detected.here(traceTo: traceTo)
            let text = MonitorConfig.initialYAML(detected)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            print("wrote \(path)")
            print("  interface: \(detected.interface ?? "(none found)")")
            print("  gateway:   \(detected.gateway ?? "(none found)")")
            print("  resolvers: \(detected.resolvers.isEmpty ? "(none found)" : detected.resolvers.joined(separator: ", "))")
            print("  ISP hop:   \(detected.ispHop ?? "auto (found by path discovery while running)")")
            // No default password: the web UI's is made here, once, and shown once.
            let auth = AuthStore(storeDirectory: store.directory)
            if !auth.hasPassword {
                let password = AuthStore.randomPassword()
                try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
                try auth.setPassword(password)
                print("web UI password for \(store.directory) (shown once; change it with ispmon passwd): \(password)")
            }
            print("check it, then: ispmon run --config \(path)")
        }
    }
}
