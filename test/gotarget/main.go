// gotarget is the Go program gopprof's tests profile: it serves net/http/pprof
// and keeps itself busy with a few distinctive, recognisable hot functions so
// that every profile type has content a test can look for by name:
//
//	cpu          main.burnCPU        (sha256 hashing, duty-cycled)
//	heap         main.leakMemory     (64 KiB blocks kept live in a ring)
//	goroutine    main.parkGoroutines (goroutines blocked forever)
//	mutex        main.contendMutex   (workers fighting over one mutex)
//	block        main.blockOnChannel (a receiver waiting on a slow sender)
//	threadcreate main.lockThread     (goroutines locked to their own OS threads)
//
// The first line of stdout is "listening HOST:PORT", so tests can listen on
// port 0 and learn the port; it comes once the heap, block and mutex profiles
// name their functions, so a profile fetched at once already does. Standard
// library only: it builds offline with Debian's Go 1.19.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

var (
	// leaked keeps leakMemory's blocks reachable so they stay in the in-use heap.
	leaked   [][]byte
	leakedMu sync.Mutex
	// hashSink stops the compiler from discarding burnCPU's work.
	hashSink [32]byte
	hashMu   sync.Mutex
)

// burnCPU hashes for busy out of every busy+idle, so a CPU profile names it
// without the target taking a whole core from the other tests.
func burnCPU(busy, idle time.Duration) {
	buf := make([]byte, 4096)
	var sum [32]byte
	for {
		deadline := time.Now().Add(busy)
		for time.Now().Before(deadline) {
			for i := 0; i < 16; i++ {
				copy(buf, sum[:])
				sum = sha256.Sum256(buf)
			}
		}
		hashMu.Lock()
		hashSink = sum
		hashMu.Unlock()
		time.Sleep(idle)
	}
}

// leakMemory allocates 64 KiB blocks and keeps the last limit bytes of them
// live. It closes ready once the published heap profile names it, so a heap
// or allocs profile fetched as soon as the target listens already does. That
// takes more than a few GCs: the runtime samples allocations at the rate set
// when each P's cache was made (the 512 KiB default, before main could lower
// MemProfileRate), so the first blocks are often not sampled at all.
func leakMemory(limit int, ready chan<- struct{}) {
	const block = 64 << 10
	for n := 0; ; n++ {
		if ready != nil && n >= 16 && n%8 == 0 {
			// A heap profile shows the heap as of a completed GC cycle:
			// two cycles publish what was sampled before them.
			runtime.GC()
			runtime.GC()
			if heapProfileNames("main.leakMemory") {
				close(ready)
				ready = nil
			}
		}
		b := make([]byte, block)
		b[0] = 1
		leakedMu.Lock()
		leaked = append(leaked, b)
		if len(leaked)*block > limit {
			leaked = append([][]byte(nil), leaked[len(leaked)/2:]...)
		}
		leakedMu.Unlock()
		if ready == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// heapProfileNames reports whether the published heap profile has a record
// whose stack passes through the function called name.
func heapProfileNames(name string) bool {
	n, _ := runtime.MemProfile(nil, true)
	records := make([]runtime.MemProfileRecord, n+16)
	n, ok := runtime.MemProfile(records, true)
	return ok && anyStackNames(n, func(i int) []uintptr { return records[i].Stack() }, name)
}

// contentionProfileNames reports whether the block or mutex profile
// (runtime.BlockProfile or runtime.MutexProfile) has a record whose stack
// passes through the function called name.
func contentionProfileNames(profile func([]runtime.BlockProfileRecord) (int, bool), name string) bool {
	n, _ := profile(nil)
	records := make([]runtime.BlockProfileRecord, n+16)
	n, ok := profile(records)
	return ok && anyStackNames(n, func(i int) []uintptr { return records[i].Stack() }, name)
}

// anyStackNames reports whether any of n stacks (stack(0) … stack(n-1))
// passes through the function called name.
func anyStackNames(n int, stack func(int) []uintptr, name string) bool {
	for i := 0; i < n; i++ {
		if stackNames(stack(i), name) {
			return true
		}
	}
	return false
}

// stackNames reports whether the stack passes through the function called name.
func stackNames(stack []uintptr, name string) bool {
	frames := runtime.CallersFrames(stack)
	for {
		frame, more := frames.Next()
		if frame.Function == name {
			return true
		}
		if !more {
			return false
		}
	}
}

// parkGoroutines blocks forever: the goroutine profile shows one stack per parked goroutine.
func parkGoroutines(never <-chan struct{}) {
	<-never
}

// contendMutex takes a shared mutex and holds it briefly, so the other
// workers wait for it and the mutex profile records the contention.
func contendMutex(mu *sync.Mutex, hold time.Duration) {
	for {
		mu.Lock()
		time.Sleep(hold)
		mu.Unlock()
		time.Sleep(hold / 4)
	}
}

// sendSlowly feeds blockOnChannel at a slow pace.
func sendSlowly(ch chan<- int, every time.Duration) {
	for i := 0; ; i++ {
		time.Sleep(every)
		ch <- i
	}
}

// blockOnChannel waits on a channel that is mostly empty: the block profile names it.
func blockOnChannel(ch <-chan int) {
	total := 0
	for v := range ch {
		total += v
	}
	fmt.Fprintln(io.Discard, total)
}

// lockThread pins its goroutine to an OS thread, so the target runs a few
// more threads than GOMAXPROCS and threadcreate has stacks.
func lockThread(never <-chan struct{}) {
	runtime.LockOSThread()
	<-never
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address; port 0 picks a free port")
	cpuWorkers := flag.Int("cpu-workers", 1, "goroutines running burnCPU")
	cpuBusy := flag.Duration("cpu-busy", 5*time.Millisecond, "burnCPU: time hashing per cycle")
	cpuIdle := flag.Duration("cpu-idle", 5*time.Millisecond, "burnCPU: time asleep per cycle")
	leakBytes := flag.Int("leak-bytes", 16<<20, "leakMemory: bytes kept live")
	parked := flag.Int("parked", 10, "goroutines blocked in parkGoroutines")
	mutexWorkers := flag.Int("mutex-workers", 4, "goroutines contending in contendMutex")
	threads := flag.Int("threads", 3, "goroutines locked to their own OS thread")
	exitWithStdin := flag.Bool("exit-with-stdin", false, "exit when stdin reaches EOF (the parent died or closed it)")
	flag.Parse()

	// Sample one allocation per 4 KiB on average: every 64 KiB block of
	// leakMemory is then all but certain to be in the heap profile.
	runtime.MemProfileRate = 4096
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen %s: %v", *addr, err)
	}

	never := make(chan struct{})
	for i := 0; i < *cpuWorkers; i++ {
		go burnCPU(*cpuBusy, *cpuIdle)
	}
	heapReady := make(chan struct{})
	go leakMemory(*leakBytes, heapReady)
	for i := 0; i < *parked; i++ {
		go parkGoroutines(never)
	}
	var mu sync.Mutex
	for i := 0; i < *mutexWorkers; i++ {
		go contendMutex(&mu, time.Millisecond)
	}
	ch := make(chan int)
	go sendSlowly(ch, 10*time.Millisecond)
	go blockOnChannel(ch)
	for i := 0; i < *threads; i++ {
		go lockThread(never)
	}
	<-heapReady
	// Block and mutex events are recorded when a wait ends: blockOnChannel's
	// first one only after sendSlowly's first 10 ms sleep, so a block profile
	// fetched at once lacked it in about 1 start in 4. Listen once both name
	// their functions, as the heap profile does.
	// (With fewer than two mutex workers nobody contends: do not wait for that.)
	for !contentionProfileNames(runtime.BlockProfile, "main.blockOnChannel") ||
		(*mutexWorkers >= 2 && !contentionProfileNames(runtime.MutexProfile, "main.contendMutex")) {
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	if *exitWithStdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		}()
	}

	log.Fatal(http.Serve(ln, nil))
}
