import Foundation

/// Well-formedness by Debian's python3 (expat), independent of the library that built the XML.
enum PythonXML {
    static func wellFormed(_ bytes: Data) throws -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ack-\(UUID().uuidString).xml")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
