import DeepBayesCore
import Foundation

extension BackendRegistry {
    /// A registry of `builtIn` factories and every plugin on `searchPath`, at most one per name.
    ///
    /// Names are resolved in order of first appearance (built-ins first, then plugins in
    /// search order):
    /// - one factory with a name is used, unless it is a variant this machine cannot run;
    /// - several factories with a name that all declare a `BackendVariant` are builds of one
    ///   backend: the usable one with the highest score is used, the others are skipped with
    ///   the reason;
    /// - several with a name that do not all declare a variant conflict: none is used, and
    ///   `--device NAME` says which files to remove.
    /// Nothing here throws or stops: a plugin that fails becomes a `SkippedBackend`.
    public static func discover(builtIn: [BackendFactory], searchPath: PluginSearchPath = .standard) -> BackendRegistry {
        var candidates = builtIn
        var skipped = searchPath.missingDirectories.map {
            SkippedBackend(name: nil, origin: "$\(PluginSearchPath.environmentVariable)", reason: "the folder \($0.path) does not exist")
        }
        for file in searchPath.pluginFiles() {
            switch PluginLoader.load(file) {
            case .loaded(let factory): candidates.append(factory)
            case .failed(let failure): skipped.append(failure)
            }
        }
        return resolve(candidates, skipped: skipped)
    }

    /// Picks at most one factory per name from `candidates` (see `discover`).
    static func resolve(_ candidates: [BackendFactory], skipped initial: [SkippedBackend]) -> BackendRegistry {
        var chosen: [BackendFactory] = []
        var skipped = initial
        var names: [String] = []
        for candidate in candidates where !names.contains(candidate.name) { names.append(candidate.name) }
        for name in names {
            let group = candidates.filter { $0.name == name }
            if group.count == 1, group[0].variant == nil {
                chosen.append(group[0])
                continue
            }
            guard group.allSatisfy({ $0.variant != nil }) else {
                let origins = group.map(\.origin).joined(separator: ", ")
                skipped += group.map {
                    SkippedBackend(name: name, origin: $0.origin, reason: "\(group.count) backends are named '\(name)' (\(origins)); none is used",
                                   hint: "remove all but one")
                }
                continue
            }
            let usable = group.indices.filter { group[$0].variant!.isUsable }
            let best = usable.max { group[$0].variant!.score < group[$1].variant!.score }
            if let best { chosen.append(group[best]) }
            for (position, other) in group.enumerated() where position != best {
                let variant = other.variant!
                let reason = variant.isUsable
                    ? "variant \(variant.label) (score \(variant.score)) not used: \(group[best!].variant!.label) scores \(group[best!].variant!.score)"
                    : "variant \(variant.label) cannot run on this machine: it needs \(variant.requirement)"
                skipped.append(SkippedBackend(name: name, origin: other.origin, reason: reason))
            }
        }
        return BackendRegistry(chosen, skipped: skipped)
    }
}
