import Foundation
import HTTPTypes
import Testing

/// The proxied artifact API (`/api/2.0/mlflow-artifacts/artifacts[/<path>]`) over HTTP, including
/// the attempts to read or write outside the artifact folder.
@Suite("Artifact endpoints")
struct ArtifactEndpointTests {
    static let base = TrackClient.artifacts

    // MARK: Upload and download

    @Test func putThenGetIsByteExactForOneMegabyteOfBinary() async throws {
        try await withTrackServer { api throws in
            let bytes = pseudoRandomBytes(count: 1 << 20, seed: 42)
            let put = try await api.putArtifact("1/run/artifacts/bin/weights.bin", bytes)
            #expect(put.status == 200, "\(put)")
            #expect(put.body.isEmpty, "an upload is answered with an empty body")
            let get = try await api.getArtifact("1/run/artifacts/bin/weights.bin")
            #expect(get.status == 200)
            #expect(get.body.count == bytes.count)
            #expect(get.body == bytes, "downloaded bytes differ from the upload")
            #expect(get.header("Content-Type")?.hasPrefix("application/octet-stream") == true)
            let onDisk = try Data(contentsOf: api.server.artifactRoot.appendingPathComponent("1/run/artifacts/bin/weights.bin"))
            #expect(Array(onDisk) == bytes)
        }
    }

    @Test func putOverwrites() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("a/put.txt", Array("raw put body\n".utf8), contentType: "text/plain").status == 200)
            #expect(try await api.putArtifact("a/put.txt", Array("overwritten body\n".utf8), contentType: "text/plain").status == 200)
            let get = try await api.getArtifact("a/put.txt")
            #expect(get.text == "overwritten body\n")
            #expect(get.header("Content-Type")?.hasPrefix("text/plain") == true)
        }
    }

    @Test func chunkedEmptyUploadMakesAnEmptyFile() async throws {
        try await withTrackServer { api throws in
            // What the client sends for a 0-byte file: chunked framing, no Content-Length.
            let request = "PUT \(Self.base)/1/run/artifacts/empty.txt HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"
            let put = try await api.raw(request)
            #expect(put.status == 200, "\(put)")
            let get = try await api.getArtifact("1/run/artifacts/empty.txt")
            #expect(get.status == 200, "\(get)")
            #expect(get.body.isEmpty)
            let listing = try await api.listArtifacts("1/run/artifacts")
            #expect(listing.json == ["files": [["path": "empty.txt", "is_dir": false]]], "no file_size for an empty file: \(listing)")
        }
    }

    @Test func chunkedUploadWithContentIsStoredWhole() async throws {
        try await withTrackServer { api throws in
            let request = "PUT \(Self.base)/c/chunks.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            #expect(try await api.raw(request).status == 200)
            #expect(try await api.getArtifact("c/chunks.txt").text == "hello world")
        }
    }

    // MARK: Listing

    @Test func listingShowsDirectChildrenSortedWithSizesOfNonEmptyFiles() async throws {
        try await withTrackServer { api throws in
            for (path, content) in [
                ("1/r/artifacts/report.csv", "col1,col2\n1,2\n3,4\n"), ("1/r/artifacts/model_files/top.txt", "top\n"),
                ("1/r/artifacts/model_files/sub/mid.json", "{\"k\": \"v\"}\n"), ("1/r/artifacts/model_files/sub/deeper/leaf.txt", "leaf\n"),
                ("1/r/artifacts/empty.txt", ""), ("1/r/artifacts/B-upper.txt", "B"),
            ] {
                #expect(try await api.putArtifact(path, Array(content.utf8)).status == 200)
            }
            let root = try await api.listArtifacts("1/r/artifacts")
            #expect(root.status == 200)
            #expect(root.json == ["files": [
                ["path": "B-upper.txt", "is_dir": false, "file_size": 1],
                ["path": "empty.txt", "is_dir": false],
                ["path": "model_files", "is_dir": true],
                ["path": "report.csv", "is_dir": false, "file_size": 18],
            ]], "\(root)")
            let sub = try await api.listArtifacts("1/r/artifacts/model_files/sub")
            #expect(sub.json == ["files": [["path": "deeper", "is_dir": true], ["path": "mid.json", "is_dir": false, "file_size": 11]]])
            // A trailing slash names the same folder.
            #expect(try await api.listArtifacts("1/r/artifacts/model_files/sub/").json == sub.json)
        }
    }

    @Test func listingOfAMissingFolderOrAFileIsEmpty() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("1/r/notes/hello.txt", Array("hi".utf8)).status == 200)
            let missing = try await api.listArtifacts("1/r/does/not/exist")
            #expect(missing.status == 200)
            #expect(missing.json == .object([]))
            let file = try await api.listArtifacts("1/r/notes/hello.txt")
            #expect(file.status == 200)
            #expect(file.json == .object([]))
        }
    }

    @Test func listingWithoutAPathListsTheRoot() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("1/r/a.txt", Array("a".utf8)).status == 200)
            let reply = try await api.listArtifacts(nil)
            #expect(reply.json == ["files": [["path": "1", "is_dir": true]]], "\(reply)")
        }
    }

    @Test func trackingSideListIsRelativeToTheRunRoot() async throws {
        try await withTrackServer { api throws in
            let run = try await api.createRun()
            #expect(try await api.putArtifact("0/\(run)/artifacts/model_files/top.txt", Array("top\n".utf8)).status == 200)
            #expect(try await api.putArtifact("0/\(run)/artifacts/model_files/sub/x.txt", Array("x".utf8)).status == 200)
            let root = try await api.get("artifacts/list", [("run_id", run)])
            #expect(root.json == ["root_uri": .string("mlflow-artifacts:/0/\(run)/artifacts"), "files": [["path": "model_files", "is_dir": true]]], "\(root)")
            let sub = try await api.get("artifacts/list", [("run_id", run), ("path", "model_files")])
            #expect(sub.json == [
                "root_uri": .string("mlflow-artifacts:/0/\(run)/artifacts"),
                "files": [["path": "model_files/sub", "is_dir": true], ["path": "model_files/top.txt", "is_dir": false, "file_size": 4]],
            ], "\(sub)")
        }
    }

    // MARK: Errors

    @Test func getOfAFolderIs400() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("1/r/model_files/top.txt", Array("top\n".utf8)).status == 200)
            expectError(
                try await api.getArtifact("1/r/model_files"), status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Artifact path refers to a directory, not a file: '1/r/model_files'"
            )
        }
    }

    @Test func getOfAMissingFileIs404() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.getArtifact("1/r/nope/missing.txt"), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "No such artifact: '1/r/nope/missing.txt'")
        }
    }

    @Test func deleteRemovesAFileOrAFolder() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("1/r/raw/put.txt", Array("x".utf8)).status == 200)
            #expect(try await api.putArtifact("1/r/dir/a/b.txt", Array("y".utf8)).status == 200)
            let deleted = try await api.send(.delete, "\(Self.base)/1/r/raw/put.txt")
            expectEmptyOK(deleted)
            #expect(try await api.getArtifact("1/r/raw/put.txt").status == 404)
            expectEmptyOK(try await api.send(.delete, "\(Self.base)/1/r/dir"))
            #expect(!FileManager.default.fileExists(atPath: api.server.artifactRoot.appendingPathComponent("1/r/dir").path))
            #expect(FileManager.default.fileExists(atPath: api.server.artifactRoot.appendingPathComponent("1/r/raw").path))
        }
    }

    @Test func deleteOfTheRootIsRefused() async throws {
        try await withTrackServer { api throws in
            #expect(try await api.putArtifact("1/r/keep.txt", Array("keep".utf8)).status == 200)
            for uri in ["\(Self.base)/", Self.base, "\(Self.base)/.", "\(Self.base)/%2E", "\(Self.base)//"] {
                let reply = try await api.send(.delete, uri)
                #expect(reply.status >= 400 && reply.status < 500, "DELETE \(uri): \(reply)")
            }
            #expect(FileManager.default.fileExists(atPath: api.server.artifactRoot.appendingPathComponent("1/r/keep.txt").path))
        }
    }

    // MARK: Names

    @Test func percentEncodedUnicodeAndSpaceNamesAreDecodedOnce() async throws {
        try await withTrackServer { api throws in
            let put = try await api.send(.put, "\(Self.base)/1/r/odd%20dir/my%20file%20%C3%BC+1.txt", headers: [.contentType: "text/plain"], body: Array("odd name\n".utf8))
            #expect(put.status == 200, "\(put)")
            let stored = api.server.artifactRoot.appendingPathComponent("1/r/odd dir/my file ü+1.txt")
            #expect(FileManager.default.fileExists(atPath: stored.path), "stored as 'odd dir/my file ü+1.txt' (a + in a path is a plus)")
            let listing = try await api.listArtifacts("1/r/odd dir")
            #expect(listing.json == ["files": [["path": "my file ü+1.txt", "is_dir": false, "file_size": 9]]], "\(listing)")
            let get = try await api.send(.get, "\(Self.base)/1/r/odd%20dir/my%20file%20%C3%BC+1.txt")
            #expect(get.text == "odd name\n")
            let disposition = get.header("Content-Disposition") ?? ""
            #expect(disposition.hasPrefix("attachment"), "\(disposition)")
            #expect(disposition.contains("filename*=UTF-8''my%20file%20%C3%BC"), "\(disposition)")
        }
    }

    // MARK: Download headers

    @Test func downloadsAreAttachmentsThatBrowsersWontRun() async throws {
        try await withTrackServer { api throws in
            let page = Array("<html><script>alert(1)</script></html>".utf8)
            #expect(try await api.putArtifact("1/r/page.html", page, contentType: "text/html").status == 200)
            #expect(try await api.putArtifact("1/r/pic.svg", Array("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".utf8), contentType: "image/svg+xml").status == 200)
            for name in ["page.html", "pic.svg"] {
                let get = try await api.getArtifact("1/r/\(name)")
                #expect(get.status == 200)
                let contentType = (get.header("Content-Type") ?? "").lowercased()
                #expect(!contentType.contains("html") && !contentType.contains("svg"), "\(name) served as \(contentType)")
                #expect(get.header("Content-Disposition")?.hasPrefix("attachment") == true, "\(get.headers)")
                #expect(get.header("X-Content-Type-Options")?.lowercased() == "nosniff")
                #expect(get.header("Content-Security-Policy")?.contains("sandbox") == true, "\(get.headers)")
            }
            #expect(try await api.getArtifact("1/r/page.html").body == page)
        }
    }

    // MARK: Path attacks

    /// Each path comes after `/api/2.0/mlflow-artifacts/artifacts/`, sent exactly as written.
    static let attacks: [String] = [
        "..%2F..%2Fx",  // encoded slashes
        "..%252F..%252Fx",  // double encoding
        "%2e%2e/x",  // encoded dots
        "%2E%2E%2F%2E%2E%2Fx",
        "a/../../x",  // raw dot segments, not normalised by the client
        "/etc/passwd",  // absolute (…/artifacts//etc/passwd)
        "..%5C..%5Cx",  // backslashes
        "..;/x",  // path parameters
        "x%00y",  // NUL
        "..",
    ]

    @Test(arguments: attacks)
    func pathAttacksAreRefusedAndTouchNothingOutside(_ attack: String) async throws {
        try await withTrackServer { api throws in
            let outside = api.server.root.appendingPathComponent("outside", isDirectory: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Data("top secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
            #expect(try await api.putArtifact("1/r/inside.txt", Array("inside".utf8)).status == 200)
            let before = api.server.snapshot()

            let uri = "\(Self.base)/\(attack)"
            let put = try await api.send(.put, uri, headers: [.contentType: "application/octet-stream"], body: Array("x".utf8))
            expectError(put, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            let get = try await api.send(.get, uri)
            expectError(get, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(!get.text.contains("top secret") && !get.text.contains("root:"))
            let delete = try await api.send(.delete, uri)
            expectError(delete, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")

            let after = api.server.snapshot()
            #expect(api.server.strayEntries(before: before, after: after).isEmpty, "written outside the artifact folder: \(api.server.strayEntries(before: before, after: after))")
            #expect(before.subtracting(after).isEmpty, "removed: \(before.subtracting(after))")
            #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("secret.txt").path))
            #expect(!FileManager.default.fileExists(atPath: api.server.root.appendingPathComponent("x").path))
            #expect(!FileManager.default.fileExists(atPath: api.server.dataDirectory.appendingPathComponent("x").path))
        }
    }

    @Test(arguments: ["../..", "..%2F..", "/etc", "a/../..", "..\\.."])
    func listingOutsideTheRootIsRefused(_ path: String) async throws {
        try await withTrackServer { api throws in
            let outside = api.server.root.appendingPathComponent("outside", isDirectory: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Data("top secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
            let reply = try await api.listArtifacts(path)
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(!reply.text.contains("secret") && !reply.text.contains("outside") && !reply.text.contains("track.db"))
        }
    }

    @Test func aSymlinkedFolderInsideTheStoreLeadsNowhere() async throws {
        try await withTrackServer { api throws in
            let outside = api.server.root.appendingPathComponent("outside", isDirectory: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Data("top secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
            #expect(try await api.putArtifact("1/r/inside.txt", Array("inside".utf8)).status == 200)
            let link = api.server.artifactRoot.appendingPathComponent("1/r/link")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
            let before = api.server.snapshot()

            let get = try await api.getArtifact("1/r/link/secret.txt")
            expectError(get, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(!get.text.contains("top secret"))

            let put = try await api.putArtifact("1/r/link/planted.txt", Array("planted".utf8))
            expectError(put, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("planted.txt").path), "written through the link")

            let overwrite = try await api.putArtifact("1/r/link/secret.txt", Array("overwritten".utf8))
            #expect(overwrite.status == 400, "\(overwrite)")
            #expect(try String(contentsOf: outside.appendingPathComponent("secret.txt"), encoding: .utf8) == "top secret")

            let listing = try await api.listArtifacts("1/r/link")
            #expect(!listing.text.contains("secret"), "listed through the link: \(listing)")
            let parent = try await api.listArtifacts("1/r")
            #expect(!parent.text.contains("secret"))

            let delete = try await api.send(.delete, "\(Self.base)/1/r/link/secret.txt")
            #expect(delete.status == 400, "\(delete)")
            #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("secret.txt").path), "deleted through the link")
            #expect(api.server.strayEntries(before: before, after: api.server.snapshot()).isEmpty)
        }
    }

    @Test func aSymlinkedFileInsideTheStoreIsNotServedOrOverwritten() async throws {
        try await withTrackServer { api throws in
            let outside = api.server.root.appendingPathComponent("outside", isDirectory: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let secret = outside.appendingPathComponent("secret.txt")
            try Data("top secret".utf8).write(to: secret)
            #expect(try await api.putArtifact("1/r/inside.txt", Array("inside".utf8)).status == 200)
            try FileManager.default.createSymbolicLink(at: api.server.artifactRoot.appendingPathComponent("1/r/leak.txt"), withDestinationURL: secret)

            let get = try await api.getArtifact("1/r/leak.txt")
            expectError(get, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(!get.text.contains("top secret"))
            let put = try await api.putArtifact("1/r/leak.txt", Array("overwritten".utf8))
            expectError(put, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid path")
            #expect(try String(contentsOf: secret, encoding: .utf8) == "top secret")
        }
    }
}
