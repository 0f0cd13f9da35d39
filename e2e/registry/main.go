// A slim build of the CNCF Distribution registry (github.com/distribution/distribution/v3): the upstream
// cmd/registry/main.go with only the filesystem and in-memory storage drivers. The cloud storage drivers
// (S3, Azure, GCS) more than double the cold build time and are of no use for a local test registry.
// setup-buildkit.sh builds it inside the pinned upstream module with `go build -overlay`, replacing
// cmd/registry/main.go by this file.
package main

import (
	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

func main() {
	// nolint:errcheck
	registry.RootCmd.Execute()
}
