import Foundation
import Testing
@testable import Tracker

/// The git state the SDK records, read from the repository's files (and `git status` for the
/// dirty flag) without Foundation's `Process`.
@Suite("Git state", .serialized)
struct GitStateTests {
    /// Runs git in `folder` for the test's setup; returns its output.
    @discardableResult
    static func git(_ folder: URL, _ arguments: String...) throws -> String {
        guard let output = GitState.run(["git", "-C", folder.path, "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments) else {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func repository() throws -> URL {
        let folder = Support.temporaryDirectory("git")
        try git(folder, "init", "-q", "-b", "main")
        try Data("print(1)\n".utf8).write(to: folder.appendingPathComponent("train.py"))
        try git(folder, "add", "train.py")
        try git(folder, "commit", "-q", "-m", "first")
        return folder
    }

    @Test func commitBranchAndDirtyFlag() throws {
        let folder = try Self.repository()
        let head = try Self.git(folder, "rev-parse", "HEAD")
        let nested = folder.appendingPathComponent("src/models", isDirectory: true)
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(GitState.read(from: nested) == GitState(commit: head, branch: "main", dirty: false))

        try Data("print(2)\n".utf8).write(to: folder.appendingPathComponent("train.py"))
        #expect(GitState.read(from: folder)?.dirty == true)
        // Untracked files do not make the tree dirty.
        try Self.git(folder, "checkout", "-q", "--", "train.py")
        try Data("scratch".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        #expect(GitState.read(from: folder)?.dirty == false)
    }

    @Test func packedReferencesDetachedHeadsAndWorktrees() throws {
        let folder = try Self.repository()
        let head = try Self.git(folder, "rev-parse", "HEAD")
        try Self.git(folder, "pack-refs", "--all")
        #expect(GitState.read(from: folder)?.commit == head)

        try Self.git(folder, "checkout", "-q", "--detach")
        let detached = GitState.read(from: folder)
        #expect(detached?.commit == head && detached?.branch == nil)

        let worktree = Support.temporaryDirectory("worktree").appendingPathComponent("wt")
        try Self.git(folder, "worktree", "add", "-q", "-b", "experiment", worktree.path)
        #expect(GitState.read(from: worktree) == GitState(commit: head, branch: "experiment", dirty: false))
    }

    @Test func outsideARepositoryThereIsNone() {
        #expect(GitState.read(from: URL(fileURLWithPath: "/")) == nil)
        #expect(GitState.run(["a-program-that-does-not-exist-anywhere"]) == nil)
    }
}
