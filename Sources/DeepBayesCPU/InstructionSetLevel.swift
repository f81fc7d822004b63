import CCPUFeatures
import DeepBayesCore

/// The x86-64 micro-architecture levels of the System V psABI, which the CPU backend is built
/// for: one build per level, the best one this machine can run chosen at start.
///
/// Swift's SIMD types become vector instructions only for the features the compiler may
/// assume, so each level is a separate build (`-march=x86-64-vN`) of the same sources,
/// shipped as a backend variant; the portable build (level 1) is always there as a fallback.
public enum InstructionSetLevel: Int, Sendable, Comparable, CaseIterable {
    case baseline = 1, v2, v3, v4

    /// The level this module was compiled for (the `DEEPBAYES_X86_64_V<N>` define the build
    /// sets beside `-march`).
    public static let compiled: InstructionSetLevel = {
        #if DEEPBAYES_X86_64_V4
        return .v4
        #elseif DEEPBAYES_X86_64_V3
        return .v3
        #elseif DEEPBAYES_X86_64_V2
        return .v2
        #else
        return .baseline
        #endif
    }()

    /// The highest level this processor and OS support (CPUID); `baseline` off x86-64,
    /// where the build has no level flags.
    public static let machine: InstructionSetLevel = InstructionSetLevel(rawValue: Int(deepbayes_x86_64_level())) ?? .baseline

    /// The psABI name: `x86-64`, `x86-64-v3` (`portable` for the baseline off x86-64).
    public var label: String {
        #if arch(x86_64)
        return self == .baseline ? "x86-64" : "x86-64-v\(rawValue)"
        #else
        return "portable"
        #endif
    }

    /// What the level adds over the one below, for messages.
    public var requirement: String {
        switch self {
        case .baseline: return "SSE2"
        case .v2: return "SSE4.2, POPCNT"
        case .v3: return "AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE"
        case .v4: return "AVX-512 F/BW/CD/DQ/VL"
        }
    }

    /// This build as a backend variant: scored by its level if the machine has it, 0 if not.
    public static var compiledVariant: BackendVariant {
        BackendVariant(label: compiled.label, score: machine >= compiled ? compiled.rawValue : 0,
                       requirement: compiled.requirement)
    }

    public static func < (a: InstructionSetLevel, b: InstructionSetLevel) -> Bool { a.rawValue < b.rawValue }
}
