/// What a backend plugin hands its host: one backend factory.
///
/// A plugin is a shared library that exports the C function named
/// `BackendPluginABI.entryPointSymbol`; that function returns a retained `BackendPlugin`
/// (see `BackendPluginABI.answer`). It is a class so that it can cross the C boundary as one
/// retained pointer; the host takes that reference back and keeps it for the life of the
/// process (plugins are never unloaded, because their code may still be running).
public final class BackendPlugin: Sendable {
    /// The factory the plugin adds to the host's registry.
    public let factory: BackendFactory

    public init(factory: BackendFactory) {
        self.factory = factory
    }
}

/// One build of a backend among several for the same name, the best of which is chosen at
/// start: the CPU backend built for several x86-64 instruction-set levels, say.
///
/// The registry keeps, of all factories that share a name and each declare a variant, the one
/// with the highest positive `score`; a score of 0 or less means "cannot run on this machine",
/// and `requirement` then says what is missing.
public struct BackendVariant: Sendable, Equatable {
    /// A short label (`x86-64-v3`, `portable`).
    public let label: String
    /// Higher is better; `0` or less: unusable here.
    public let score: Int
    /// What the variant needs (`AVX-512 F/BW/CD/DQ/VL`), shown when it is unusable.
    public let requirement: String

    public init(label: String, score: Int, requirement: String = "") {
        self.label = label
        self.score = score
        self.requirement = requirement
    }

    /// Whether this variant can run on this machine.
    public var isUsable: Bool { score > 0 }
}
