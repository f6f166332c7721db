package dendritetest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

const (
	// version is the Dendrite release the tests run against. It is pinned
	// (and part of the install folder name) so every developer and CI runner
	// tests against the same server, and so the config edits in config.go,
	// which match generate-config's exact output, keep applying.
	version = "v0.13.8"

	module = "github.com/matrix-org/dendrite"

	// envDir overrides the install folder, e.g. to share one install between
	// CI jobs or to exercise the install path against an empty folder.
	envDir = "CLAVEBOT_DENDRITE_DIR"
)

// binaries are the commands Start needs: the server itself, the signing
// key generator and the config generator.
var binaries = []string{"dendrite", "generate-keys", "generate-config"}

// Dir is the install folder: $CLAVEBOT_DENDRITE_DIR if set, else
// os.UserCacheDir()/clavebot/dendrite-v0.13.8. It lives outside the
// repository and outside any test's temp dir so that the ~3 minute build
// happens once per machine, not once per test run.
func Dir() (string, error) {
	if d := os.Getenv(envDir); d != "" {
		// Absolute, because tests and the go command run with other
		// working directories.
		return filepath.Abs(d)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("dendritetest: no user cache dir (set %s): %w", envDir, err)
	}
	return filepath.Join(cache, "clavebot", "dendrite-"+version), nil
}

// binPath is where Install puts the named command.
func binPath(dir, name string) string {
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(dir, name)
}

// installed reports whether all binaries are present. Install only ever
// renames complete binaries into dir, so presence means usable.
func installed(dir string) bool {
	for _, b := range binaries {
		if fi, err := os.Stat(binPath(dir, b)); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// installMu keeps parallel tests of one process from polling the lock file
// against each other; the lock file handles other processes.
var installMu sync.Mutex

// Install makes sure the three binaries are in Dir(), building them with
// `go install` if missing. A lock file in Dir() makes parallel test
// processes (go test ./... runs packages concurrently) wait for one build
// instead of each starting their own. It returns Dir().
func Install() (dir string, err error) {
	dir, err = Dir()
	if err != nil {
		return "", err
	}
	if installed(dir) {
		return dir, nil
	}
	installMu.Lock()
	defer installMu.Unlock()
	if installed(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("dendritetest: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, "install.lock"))
	if err != nil {
		return "", fmt.Errorf("dendritetest: %w", err)
	}
	defer unlock()
	// Another process may have finished the install while we waited.
	if installed(dir) {
		return dir, nil
	}
	if err := goInstall(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// goInstall builds the binaries into a private staging folder and only
// then renames them into dir, so an interrupted build (Ctrl-C, test
// timeout) never leaves a truncated binary that installed() would accept.
func goInstall(dir string) error {
	goCmd, err := goTool()
	if err != nil {
		return err
	}
	stage, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return fmt.Errorf("dendritetest: %w", err)
	}
	defer os.RemoveAll(stage)

	args := []string{"install"}
	for _, b := range binaries {
		args = append(args, module+"/cmd/"+b+"@"+version)
	}
	cmd := exec.Command(goCmd, args...)
	// Outside any module and workspace: pkg@version installs ignore the
	// current module anyway, and this keeps a go.work or a toolchain line
	// of the caller from interfering.
	cmd.Dir = stage
	cmd.Env = append(os.Environ(),
		"GOBIN="+stage,
		// Dendrite's SQLite driver is pure Go; without cgo the build needs
		// no C compiler.
		"CGO_ENABLED=0",
		"GOWORK=off",
		// Build for the machine the test runs on even if GOOS/GOARCH were
		// set to cross-compile something (go install refuses to put
		// cross-compiled binaries into GOBIN anyway).
		"GOOS="+runtime.GOOS,
		"GOARCH="+runtime.GOARCH,
		// pkg@version installs fail with -mod=vendor ("cannot query
		// module"), which a vendoring caller might have in GOFLAGS.
		"GOFLAGS="+withoutModFlag(os.Getenv("GOFLAGS")),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("dendritetest: %s failed: %w\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	for _, b := range binaries {
		if err := os.Rename(binPath(stage, b), binPath(dir, b)); err != nil {
			return fmt.Errorf("dendritetest: %w", err)
		}
	}
	return nil
}

// withoutModFlag drops -mod=... from a GOFLAGS value.
func withoutModFlag(goflags string) string {
	var keep []string
	for _, f := range strings.Fields(goflags) {
		if !strings.HasPrefix(f, "-mod=") && !strings.HasPrefix(f, "--mod=") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// goTool finds the go command. runtime.GOROOT() is deprecated and may be
// empty in Go 1.26, but `go test` puts $GOROOT/bin first in the test's
// PATH, so LookPath finds the toolchain running the test; GOROOT from the
// environment is the fallback for test binaries run by hand.
func goTool() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := binPath(filepath.Join(root, "bin"), "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("dendritetest: cannot find the go command to install Dendrite (not in PATH and GOROOT unset)")
}

const (
	// lockHeartbeat is how often the lock holder refreshes the lock file's
	// modification time while go install runs.
	lockHeartbeat = 5 * time.Second
	// lockStale is how old the modification time must be before waiters
	// assume the holder died (killed test, crash) and take the lock over.
	lockStale = 30 * time.Second
)

// lockFile takes an exclusive lock by creating path with O_EXCL, which is
// portable and needs nothing outside the standard library. A holder that
// dies leaves the file behind, so the holder keeps touching it and waiters
// break locks that stopped being touched. Breaking a lock wrongly (a rare
// race between two waiters) only costs a duplicate build: each build uses
// its own staging folder and renames finished binaries into place.
func lockFile(path string) (unlock func(), err error) {
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "pid %d installing Dendrite %s\n", os.Getpid(), version)
			f.Close()
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				t := time.NewTicker(lockHeartbeat)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case now := <-t.C:
						_ = os.Chtimes(path, now, now)
					}
				}
			}()
			return func() {
				close(stop)
				<-done
				_ = os.Remove(path)
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > lockStale {
			_ = os.Remove(path)
			continue
		}
		time.Sleep(500 * time.Millisecond)
	}
}
