import TrackCore

/// `track models`: the model registry as tables.
extension Views {
    /// Every registered model: its latest version per stage, aliases and last change.
    public static func registeredModels(_ models: [RegisteredModel], width: Int, style: Style) -> String {
        if models.isEmpty {
            return "No registered models. Register one with mlflow.register_model(\"runs:/<run id>/model\", \"<name>\")"
                + " or log_model(..., registered_model_name=\"<name>\").\n"
        }
        let columns = [
            Table.Column("NAME", flexible: true, minimum: 8), Table.Column("LATEST", flexible: true, minimum: 6),
            Table.Column("ALIASES", flexible: true, minimum: 6), Table.Column("UPDATED"), Table.Column("DESCRIPTION", flexible: true, minimum: 6),
        ]
        let rows = models.map { model -> [String] in
            [
                model.name, latestText(model.latestVersions), aliasesText(model.aliases),
                Formatting.time(model.lastUpdateTime), (model.description ?? "").replacingOccurrences(of: "\n", with: " "),
            ]
        }
        return Table(columns: columns, rows: rows).render(width: width, style: style)
    }

    /// One registered model: its fields, then every version.
    public static func registeredModel(_ model: RegisteredModel, versions: [ModelVersion], width: Int, style: Style) -> String {
        var lines = [style.bold("MODEL ") + style.bold(model.name)]
        var fields: [(String, String)] = [("created", Formatting.time(model.creationTime)), ("updated", Formatting.time(model.lastUpdateTime))]
        if let description = model.description, !description.isEmpty { fields.append(("description", description)) }
        if !model.aliases.isEmpty { fields.append(("aliases", aliasesText(model.aliases))) }
        for tag in model.tags { fields.append(("tag " + tag.key, tag.value)) }
        lines += keyValueLines(fields, width: width, style: style)
        lines.append("")
        if versions.isEmpty {
            lines.append(style.bold("VERSIONS") + style.dim("  none registered"))
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append(style.bold("VERSIONS"))
        let table = Table(
            columns: [
                Table.Column("  VERSION", rightAligned: true), Table.Column("STAGE"), Table.Column("ALIASES", flexible: true, minimum: 6),
                Table.Column("CREATED"), Table.Column("RUN", flexible: true, minimum: 8), Table.Column("SOURCE", flexible: true, minimum: 8),
            ],
            rows: versions.map { version in
                [
                    "  \(version.version)", version.stage.rawValue, version.aliases.map { "@" + $0 }.joined(separator: " "),
                    Formatting.time(version.creationTime), version.runID ?? "-", version.source,
                ]
            }
        )
        lines.append(table.render(width: width, style: .plain).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init).joined(separator: "\n"))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `v3 Production, v4` — the newest version per stage, stage None unnamed.
    static func latestText(_ versions: [ModelVersion]) -> String {
        if versions.isEmpty { return "-" }
        return versions.map { $0.stage == .none ? "v\($0.version)" : "v\($0.version) \($0.stage.rawValue)" }.joined(separator: ", ")
    }

    static func aliasesText(_ aliases: [ModelAlias]) -> String {
        aliases.isEmpty ? "-" : aliases.map { "@\($0.alias)→v\($0.version)" }.joined(separator: " ")
    }
}
