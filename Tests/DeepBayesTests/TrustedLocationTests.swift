import DeepBayesCore
import Foundation
import Testing

/// Which folders DeepBayes trusts to load code or data from without being told: owned by this
/// user or root, not writable by every user, and the same for the folder holding them.
@Suite struct TrustedLocationTests {
    static func folder(mode: mode_t) throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-trust-\(UUID().uuidString)")
        let folder = parent.appendingPathComponent("Kernels")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(chmod(parent.path, 0o755) == 0 && chmod(folder.path, mode) == 0)
        return folder
    }

    @Test func aPrivateFolderIsTrustedAndAWorldWritableOneIsNot() throws {
        let mine = try Self.folder(mode: 0o755), shared = try Self.folder(mode: 0o777)
        defer { for url in [mine, shared] { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) } }
        #expect(TrustedLocation.isTrusted(mine))
        #expect(!TrustedLocation.isTrusted(shared))
        #expect(!TrustedLocation.isTrusted(URL(fileURLWithPath: "/tmp/anything-in-tmp")), "a folder directly in sticky /tmp")
        #expect(!TrustedLocation.isTrusted(mine.appendingPathComponent("missing")))
    }

    @Test func theSourceTreeIsACandidateAndNoOtherParent() throws {
        let candidates = try ResourceDirectories.candidates(named: "Kernels", environmentVariable: "DEEPBAYES_TEST_UNSET_VARIABLE")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        #expect(candidates.last?.standardizedFileURL.path == repository.appendingPathComponent("Kernels").standardizedFileURL.path)
        #expect(candidates.count <= 3, "beside the executable, its prefix, the source tree: \(candidates)")
    }
}
