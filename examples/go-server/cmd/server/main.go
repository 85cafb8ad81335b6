// Command server is the example shop's HTTP API on 127.0.0.1 (package shop). It shuts down
// gracefully on SIGINT or SIGTERM: in-flight requests finish, then main returns (which is
// also where pgo's training hook writes the CPU profile).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/go-server/shop"
)

func main() {
	port := flag.Int("port", 8080, "TCP port to listen on (127.0.0.1)")
	products := flag.Int("products", 5000, "size of the generated catalog")
	withPprof := flag.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/ (e.g. a CPU profile for pgo import)")
	flag.Parse()

	mux := shop.NewMux(shop.NewCatalog(*products))
	if *withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	drained := make(chan struct{})
	go func() {
		<-ctx.Done()
		grace, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(grace) // in-flight requests finish, idle connections close
		close(drained)
	}()
	fmt.Fprintf(os.Stderr, "server: listening on %s\n", listener.Addr())
	if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	<-drained // Serve returns as soon as Shutdown starts
}
