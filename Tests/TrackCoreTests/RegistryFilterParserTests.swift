import Testing
@testable import TrackCore

@Suite("Model registry search filter")
struct RegistryFilterParserTests {
    @Test func recordedFilters() throws {
        // What the client sends (recorded): its own prompt filter is always there.
        #expect(try RegistryFilterParser.parse("name LIKE 'proto-%' AND tag.`mlflow.prompt.is_prompt` != 'true'", for: .registeredModels) == [
            SearchClause(entity: .attribute, key: "name", comparator: .like, value: .string("proto-%")),
            SearchClause(entity: .tag, key: "mlflow.prompt.is_prompt", comparator: .notEqual, value: .string("true")),
        ])
        #expect(try RegistryFilterParser.parse("name = 'proto-model'", for: .modelVersions) == [
            SearchClause(entity: .attribute, key: "name", comparator: .equal, value: .string("proto-model")),
        ])
        #expect(try RegistryFilterParser.parse("version_number >= 2 AND run_id IN ('a', 'b')", for: .modelVersions) == [
            SearchClause(entity: .attribute, key: "version_number", comparator: .greaterOrEqual, value: .number(2)),
            SearchClause(entity: .attribute, key: "run_id", comparator: .in, value: .list(["a", "b"])),
        ])
    }

    @Test(arguments: [
        ("owner = 'x'", RegistryFilterParser.Target.registeredModels),
        ("version_number > 1", .registeredModels),
        ("run_id LIKE 'a%'", .modelVersions),
        ("metrics.acc > 1", .modelVersions),
        ("version_number > 'two'", .modelVersions),
        ("name = 'a' OR name = 'b'", .registeredModels),
    ])
    func invalidFiltersAreRefused(_ filter: String, _ target: RegistryFilterParser.Target) {
        #expect(throws: TrackError.self) { try RegistryFilterParser.parse(filter, for: target) }
    }

    @Test func orderByTerms() throws {
        #expect(try RegistryFilterParser.parseOrderBy("timestamp DESC", for: .registeredModels)
            == SearchOrder(entity: .attribute, key: "last_updated_timestamp", ascending: false))
        #expect(try RegistryFilterParser.parseOrderBy("version_number", for: .modelVersions)
            == SearchOrder(entity: .attribute, key: "version_number", ascending: true))
        #expect(throws: TrackError.self) { try RegistryFilterParser.parseOrderBy("version_number", for: .registeredModels) }
    }

    /// A filter that pins the name lets a store load only those models; results stay the same.
    @Test func pinnedNames() throws {
        func pinned(_ filter: String) throws -> Set<String>? {
            RegistryQuery(filter: try RegistryFilterParser.parse(filter, for: .modelVersions), maxResults: 10).pinnedNames
        }
        #expect(try pinned("name = 'a' AND tags.x = 'y'") == ["a"])
        #expect(try pinned("name IN ('a', 'b') AND name = 'b'") == ["b"])
        #expect(try pinned("name = 'a' AND name = 'b'") == [])
        #expect(try pinned("name LIKE 'a%'") == nil)
        #expect(try pinned("name != 'a'") == nil)
        #expect(try pinned("") == nil)
    }

    @Test func sourcesAreReadAsMLflowReadsThem() {
        #expect(ModelVersionSource("models:/m-0123456789abcdef0123456789abcdef") == .loggedModel(id: "m-0123456789abcdef0123456789abcdef"))
        #expect(ModelVersionSource("models:/churn/3") == .registeredVersion(name: "churn", selector: .version(3)))
        #expect(ModelVersionSource("models:/churn/latest") == .registeredVersion(name: "churn", selector: .latest))
        #expect(ModelVersionSource("models:/churn@champion") == .registeredVersion(name: "churn", selector: .alias("champion")))
        #expect(ModelVersionSource("models://host/churn/3") == .foreignRegistry)
        #expect(ModelVersionSource("runs:/abc/model") == .run(id: "abc"))
        #expect(ModelVersionSource("mlflow-artifacts:/1/abc/artifacts/model") == .proxiedArtifact)
        #expect(ModelVersionSource("/etc/passwd") == .local)
        #expect(ModelVersionSource("file:///etc/passwd") == .local)
        #expect(ModelVersionSource("relative/path") == .local)
        #expect(ModelVersionSource("s3://bucket/model") == .external)
        #expect(ModelVersionSource.hasRelativeParts("s3://b/x/../y"))
        #expect(ModelVersionSource.hasRelativeParts("mlflow-artifacts:/1/r/artifacts/..%2F..%2Fx"))
        #expect(ModelVersionSource.hasRelativeParts("mlflow-artifacts:/1/r/artifacts/%252e%252e/x"))
        #expect(!ModelVersionSource.hasRelativeParts("s3://b/x..y/z"))
    }
}
