@testable import DeepBayesOpenCL
import Foundation
import Testing

extension DeviceCacheFolder {
    /// A cache folder of a test's own, never the user's: `cache/` inside a new private folder
    /// `root` under the system's temporary directory, not yet created (the first write makes
    /// it). Remove `root` when done.
    static func temporary() throws -> (folder: DeviceCacheFolder, root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-cache-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return (DeviceCacheFolder(url: root.appendingPathComponent("cache", isDirectory: true)), root)
    }
}

/// Where the OpenCL backend's on-disk cache lives, and that it reads only what it may trust.
@Suite struct DeviceCacheFolderTests {
    @Test func environmentChoosesTheFolder() {
        #expect(DeviceCacheFolder.fromEnvironment(["DEEPBAYES_CACHE": "/a/b", "HOME": "/h"])?.url.path == "/a/b")
        #expect(DeviceCacheFolder.fromEnvironment(["DEEPBAYES_CACHE": "", "HOME": "/h"]) == nil)
        #expect(DeviceCacheFolder.fromEnvironment(["XDG_CACHE_HOME": "/x", "HOME": "/h"])?.url.path == "/x/deepbayes")
        #expect(DeviceCacheFolder.fromEnvironment(["HOME": "/h"])?.url.path == "/h/.cache/deepbayes")
        #expect(DeviceCacheFolder.fromEnvironment([:]) == nil)
    }

    @Test func writtenFilesReadBackWithinTheirLimit() throws {
        let root = try DeviceCacheFolder.temporary().root
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = DeviceCacheFolder(url: root.appendingPathComponent("made/on/demand", isDirectory: true))
        #expect(folder.read("tuning.json", maximumBytes: 100) == nil)
        #expect(folder.write(Data("first".utf8), as: "tuning.json"))
        #expect(folder.write(Data("second".utf8), as: "tuning.json"))
        #expect(folder.read("tuning.json", maximumBytes: 100) == Data("second".utf8))
        #expect(folder.read("tuning.json", maximumBytes: 5) == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func aFolderEveryUserMayWriteIsNotRead() throws {
        let (folder, root) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(folder.write(Data("binary".utf8), as: "program.bin"))
        #expect(folder.read("program.bin", maximumBytes: 100) == Data("binary".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: folder.url.appendingPathComponent("program.bin").path)
        #expect(folder.read("program.bin", maximumBytes: 100) == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder.url.appendingPathComponent("program.bin").path)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.url.path)
        #expect(folder.read("program.bin", maximumBytes: 100) == nil)
        #expect(!folder.write(Data("other".utf8), as: "program.bin"))
    }

    @Test func fileNamesAreStableAndDifferByKey() {
        let a = DeviceCacheFolder.fileName(prefix: "program", key: "NVIDIA | H200 | 580.1", suffix: "bin")
        #expect(a == DeviceCacheFolder.fileName(prefix: "program", key: "NVIDIA | H200 | 580.1", suffix: "bin"))
        #expect(a != DeviceCacheFolder.fileName(prefix: "program", key: "NVIDIA | H200 | 580.2", suffix: "bin"))
        #expect(a.hasPrefix("program-") && a.hasSuffix(".bin"))
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
    }
}
