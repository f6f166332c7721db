module github.com/clavebot/clavebot

go 1.26.0

require (
	github.com/go-telegram/bot v1.19.0
	github.com/kljensen/snowball v0.10.0
	go.etcd.io/bbolt v1.5.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/term v0.48.0
	golang.org/x/text v0.32.0
	golang.org/x/time v0.16.0
)

require (
	github.com/robfig/cron/v3 v3.0.1 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
