import Foundation
import TrackCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock on a data folder (`<data dir>/.track.lock`, `flock(2)`): servers hold it
/// shared while they run; a restore takes it exclusively, so it never replaces the files of a
/// running server. The kernel drops it when its process dies, even by SIGKILL.
public final class DataFolderLock: Sendable {
    public enum Mode: Sendable { case shared, exclusive }

    private let descriptor: Int32

    /// Takes the lock without waiting.
    /// - Throws: `INVALID_STATE` when another process holds it in a conflicting mode.
    public init(folder: URL, mode: Mode) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(".track.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TrackError.internalError("Cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            close(descriptor)
            throw TrackError(
                .invalidState,
                mode == .exclusive
                    ? "A track server is running on \(folder.path): stop it first."
                    : "\(folder.path) is being restored from a backup: wait for the restore to finish."
            )
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
