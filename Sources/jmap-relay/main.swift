import Foundation
import RelayCLI

exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
