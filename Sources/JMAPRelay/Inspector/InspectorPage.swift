/// The page served at `GET /_relay/`: placeholder until the real one lands.
enum InspectorPage {
    static let html = "<!doctype html><title>jmap-relay</title>"
}
