//go:build !linux

package dendritetest

import (
	"os"
	"syscall"
)

// sysProcAttr keeps Dendrite in the test's process group on systems
// without Pdeathsig: a Ctrl-C in the terminal then reaches Dendrite too,
// which is the best available guard against it outliving an interrupted
// test. (Dendrite starts no child processes, so there is no group to kill.)
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminate asks Dendrite to shut down cleanly; where SIGTERM cannot be
// sent (Windows) it kills it instead.
func terminate(p *os.Process) {
	if err := p.Signal(syscall.SIGTERM); err != nil {
		_ = p.Kill()
	}
}

// kill stops Dendrite for good.
func kill(p *os.Process) { _ = p.Kill() }
