import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The git state of the working tree a training process runs in: commit and branch read from
/// the repository's files, and whether tracked files have uncommitted changes.
///
/// Read once per process (a sweep of runs shares its code) and without Foundation's `Process`,
/// which is not safe to start while other threads of the training program start theirs.
struct GitState: Sendable, Equatable {
    var commit: String
    var branch: String?
    var dirty: Bool?

    /// The state of the repository around the current folder; `nil` outside a repository.
    static let current: GitState? = read(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))

    static func read(from folder: URL) -> GitState? {
        guard let (workTree, gitDirectory) = locate(from: folder),
              let head = text(gitDirectory.appendingPathComponent("HEAD"))
        else { return nil }
        let common = text(gitDirectory.appendingPathComponent("commondir"))
            .map { URL(fileURLWithPath: $0, relativeTo: gitDirectory).standardizedFileURL } ?? gitDirectory
        var commit: String?
        var branch: String?
        if head.hasPrefix("ref: ") {
            let reference = String(head.dropFirst(5))
            if reference.hasPrefix("refs/heads/") { branch = String(reference.dropFirst("refs/heads/".count)) }
            commit = text(gitDirectory.appendingPathComponent(reference)) ?? text(common.appendingPathComponent(reference))
                ?? packedReference(reference, in: common)
        } else {
            commit = head
        }
        guard let commit, commit.count >= 40, commit.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return nil
        }
        let status = run(["git", "-C", workTree.path, "status", "--porcelain", "--untracked-files=no"])
        return GitState(commit: commit, branch: branch, dirty: status.map { !$0.isEmpty })
    }

    /// The work tree and git folder holding `folder`: a `.git` folder, or a `.git` file that
    /// points to one (worktrees, submodules).
    static func locate(from folder: URL) -> (URL, URL)? {
        var current = folder.standardizedFileURL
        while true {
            let dotGit = current.appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return (current, dotGit) }
                if let pointer = text(dotGit), pointer.hasPrefix("gitdir: ") {
                    return (current, URL(fileURLWithPath: String(pointer.dropFirst(8)), relativeTo: current).standardizedFileURL)
                }
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    private static func packedReference(_ reference: String, in folder: URL) -> String? {
        guard let packed = text(folder.appendingPathComponent("packed-refs")) else { return nil }
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
            return String(line.prefix { $0 != " " })
        }
        return nil
    }

    private static func text(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program found on PATH with `posix_spawnp` and returns its standard output; `nil`
    /// when it cannot start or exits with an error.
    static func run(_ arguments: [String]) -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        let devNull = open("/dev/null", O_RDWR)
        defer { if devNull >= 0 { close(devNull) } }
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, devNull, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, devNull, 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            return nil
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = readBytes(pipeEnds[0], &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally with status 0.
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    private static func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }
}
