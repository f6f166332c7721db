package dendritetest

import (
	"os"
	"syscall"
)

// sysProcAttr puts Dendrite into its own process group, so stopping it
// signals the whole group, and asks the kernel to SIGKILL it when the
// thread that started it dies. Test cleanups do not run when the test
// binary is killed or hits the -timeout panic; Pdeathsig keeps the server
// from outliving the test even then. (Start runs the child from a
// goroutine locked to its OS thread, because Pdeathsig follows the
// creating thread, not the process.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// terminate asks Dendrite's process group to shut down cleanly.
func terminate(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGTERM) }

// kill stops Dendrite's process group for good.
func kill(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }
