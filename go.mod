module github.com/clavebot/clavebot

go 1.26.0

require (
	github.com/kljensen/snowball v0.10.0 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/term v0.48.0 // indirect
	golang.org/x/text v0.32.0 // indirect
)
