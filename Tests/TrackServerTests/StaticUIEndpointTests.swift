import Foundation
import HTTPTypes
import Testing

/// The web UI's static files (only when `<repo>/web/index.html` exists).
@Suite("Static UI", .enabled(if: repositoryWebUIExists, "web/index.html not found"))
struct StaticUIEndpointTests {
    @Test func indexIsHTMLWithAnETag() async throws {
        try await withTrackServer(webRoot: repositoryWebRoot) { api throws in
            let reply = try await api.get("/")
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.header("ETag")?.isEmpty == false, "\(reply.headers)")
            let onDisk = try Data(contentsOf: repositoryWebRoot.appendingPathComponent("index.html"))
            #expect(reply.body == Array(onDisk))
            #expect(reply.header("X-Content-Type-Options")?.lowercased() == "nosniff")
            #expect(reply.header("X-Frame-Options")?.uppercased() == "DENY")
            #expect(reply.header("Content-Security-Policy")?.isEmpty == false)
        }
    }

    /// index.html names every module of web/js in a modulepreload link, so the browser fetches
    /// them all at once instead of one import level after another.
    @Test func indexPreloadsEveryModule() throws {
        let html = try String(contentsOf: repositoryWebRoot.appendingPathComponent("index.html"), encoding: .utf8)
        let jsRoot = repositoryWebRoot.appendingPathComponent("js")
        let enumerator = try #require(FileManager.default.enumerator(at: jsRoot, includingPropertiesForKeys: nil))
        var modules: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "js" {
            modules.append("js/" + url.path.dropFirst(jsRoot.path.count + 1))
        }
        #expect(!modules.isEmpty)
        for module in modules {
            #expect(html.contains("<link rel=\"modulepreload\" href=\"\(module)\">"), "index.html does not preload \(module)")
        }
        let preloaded = html.components(separatedBy: "rel=\"modulepreload\"").count - 1
        #expect(preloaded == modules.count, "index.html preloads \(preloaded) modules, web/js has \(modules.count)")
    }

    @Test func aMatchingIfNoneMatchIs304() async throws {
        try await withTrackServer(webRoot: repositoryWebRoot) { api throws in
            let first = try await api.get("/")
            let etag = try #require(first.header("ETag"))
            let again = try await api.get("/", headers: [.ifNoneMatch: etag])
            #expect(again.status == 304, "\(again)")
            #expect(again.body.isEmpty)
            let other = try await api.get("/", headers: [.ifNoneMatch: "\"something-else\""])
            #expect(other.status == 200)
        }
    }

    @Test func largeFilesAreGzippedWhenAsked() async throws {
        try await withTrackServer(webRoot: repositoryWebRoot) { api throws in
            let file = try #require(Self.largestJavaScript(), "no .js file over 512 bytes in web/js")
            let path = "/js/" + file.lastPathComponent
            let plain = try await api.get(path)
            #expect(plain.status == 200)
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.header("Content-Type")?.hasPrefix("text/javascript") == true)
            let zipped = try await api.get(path, headers: [.acceptEncoding: "gzip, deflate"])
            #expect(zipped.status == 200)
            #expect(zipped.header("Content-Encoding") == "gzip", "\(zipped.headers)")
            #expect(zipped.body.starts(with: [0x1F, 0x8B]), "gzip magic")
            #expect(zipped.body.count < plain.body.count)
        }
    }

    @Test func missingFilesAre404AndTraversalGoesNowhere() async throws {
        try await withTrackServer(webRoot: repositoryWebRoot) { api throws in
            #expect(try await api.get("/js/no-such-file.js").status == 404)
            for uri in ["/js/..%2F..%2FPackage.swift", "/js/../../Package.swift", "/css/%2e%2e/%2e%2e/Package.swift"] {
                let reply = try await api.send(.get, uri)
                #expect(reply.status >= 400 && reply.status < 500, "\(uri): \(reply)")
                #expect(!reply.text.contains("PackageDescription"), "\(uri) served a file outside web/")
            }
        }
    }

    static func largestJavaScript() -> URL? {
        let folder = repositoryWebRoot.appendingPathComponent("js", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".js") }
            .map { folder.appendingPathComponent($0) }
            .compactMap { url -> (URL, Int)? in
                guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber else { return nil }
                return (url, size.intValue)
            }
            .filter { $0.1 > 512 }
            .max { $0.1 < $1.1 }?.0
    }
}
