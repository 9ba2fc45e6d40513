/// The OpenAPI 3.1 description of every route (`GET /api/v1/openapi.json`, docs/http.md).
/// A constant in the binary rather than a file beside it: ispmon installs as one binary (a Pi),
/// and nothing is read from disk to serve it. `OpenAPITests` checks it with
/// openapi-spec-validator and fuzzes the live server against it with schemathesis, so a
/// route or a JSON form (JSONForms) that changes without it fails the tests.
/// `/api/v1/jobs/{job}` names its jobs as examples, not an enum: schemathesis 4.32.5 fails
/// with an internal error (in CPython's AST check) on an enum in a path parameter.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "ispmon",
    "version": "1",
    "description": "The HTTP API of ispmon (docs/http.md): the same stored views as the CLI, in the CLI's `--json` forms. Times are UTC."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearer": []
    },
    {
      "session": []
    }
  ],
  "paths": {
    "/api/v1/status": {
      "get": {
        "operationId": "getStatus",
        "summary": "Connectivity, DNS, the monitor, the open outage and every target's state (`ispmon status --json`).",
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Status"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/outages": {
      "get": {
        "operationId": "listOutages",
        "summary": "Every outage, sorted by start (`ispmon outages --json`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          },
          {
            "name": "min_duration",
            "in": "query",
            "required": false,
            "schema": {
              "type": "number",
              "minimum": 0
            },
            "description": "Only outages lasting at least this many seconds."
          },
          {
            "$ref": "#/components/parameters/format"
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Outage"
                  }
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Content-Disposition": {
                "$ref": "#/components/headers/CSVDownload"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/outages/{id}": {
      "get": {
        "operationId": "getOutage",
        "summary": "One outage with its explanation and timeline.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[cd]-[0-9]{8}T[0-9]{6}(\\.[0-9]{6})?Z$"
            },
            "description": "An outage id (`c-20260301T070000.015877Z`); another string is 404."
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OutageDetail"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/outages/{id}/notes": {
      "post": {
        "operationId": "addNote",
        "summary": "Appends a `note` event to an outage (the rules of `ispmon note`).",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[cd]-[0-9]{8}T[0-9]{6}(\\.[0-9]{6})?Z$"
            },
            "description": "An outage id (`c-20260301T070000.015877Z`); another string is 404."
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "text": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 4096,
                    "pattern": "^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]+$",
                    "description": "1 to 4096 bytes of text without control characters (a tab is allowed)."
                  }
                },
                "required": [
                  "text"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The note's event, with `seq`.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NoteEvent"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/latency": {
      "get": {
        "operationId": "getLatency",
        "summary": "Latency per target and UTC hour or day (`ispmon latency --json`, `--daily`).",
        "parameters": [
          {
            "name": "target",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "Only this target."
          },
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          },
          {
            "name": "period",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "hour",
                "day"
              ],
              "default": "hour"
            }
          },
          {
            "$ref": "#/components/parameters/format"
          }
        ],
        "responses": {
          "200": {
            "description": "Rows with `hour`, or with `day` for `period=day`.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/LatencyHour"
                      }
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/LatencyDay"
                      },
                      "minItems": 1
                    }
                  ]
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Content-Disposition": {
                "$ref": "#/components/headers/CSVDownload"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/speedtests": {
      "get": {
        "operationId": "getSpeedTests",
        "summary": "The speed tests, newest first, or summaries per UTC day, ISO week or month (`ispmon speedtests --json`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          },
          {
            "name": "period",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "test",
                "day",
                "week",
                "month"
              ],
              "default": "test"
            }
          },
          {
            "$ref": "#/components/parameters/format"
          }
        ],
        "responses": {
          "200": {
            "description": "Tests for `period=test`, else summaries keyed by `day`, `week` or `month`.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/SpeedTest"
                      }
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/SpeedTestDay"
                      },
                      "minItems": 1
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/SpeedTestWeek"
                      },
                      "minItems": 1
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/SpeedTestMonth"
                      },
                      "minItems": 1
                    }
                  ]
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Content-Disposition": {
                "$ref": "#/components/headers/CSVDownload"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/availability": {
      "get": {
        "operationId": "getAvailability",
        "summary": "Availability of the monitored time: internet, DNS and the ISP's share, for the range or per calendar day, ISO week or month of an IANA zone (`ispmon availability --json`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          },
          {
            "name": "per",
            "in": "query",
            "required": false,
            "description": "One row per calendar day, ISO week or month; without it, one row for the whole range.",
            "schema": {
              "type": "string",
              "enum": [
                "day",
                "week",
                "month"
              ]
            }
          },
          {
            "name": "tz",
            "in": "query",
            "required": false,
            "description": "The IANA zone whose days, weeks and months count (default UTC); a day across a daylight-saving change is 23 or 25 hours.",
            "schema": {
              "type": "string",
              "default": "UTC",
              "maxLength": 64
            }
          },
          {
            "$ref": "#/components/parameters/format"
          }
        ],
        "responses": {
          "200": {
            "description": "One row a period, oldest first; empty when nothing was monitored in the range.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Availability"
                  }
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Content-Disposition": {
                "$ref": "#/components/headers/CSVDownload"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/events": {
      "get": {
        "operationId": "listEvents",
        "summary": "The log as NDJSON, one event (with `seq`) a line: newest first unless `order=asc`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          },
          {
            "name": "type",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "probe",
                "speedtest",
                "link",
                "trace",
                "monitor",
                "job",
                "note",
                "clock"
              ]
            }
          },
          {
            "name": "target",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "q",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "A case-insensitive substring of a target, error, detail, note text or speed-test server."
          },
          {
            "name": "before_seq",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "name": "after_seq",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10000,
              "default": 100
            }
          },
          {
            "name": "order",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "desc",
                "asc"
              ],
              "default": "desc"
            }
          },
          {
            "name": "format",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "ndjson",
                "csv"
              ],
              "default": "ndjson"
            },
            "description": "`csv`: one row per event with the columns seq, time, type, target, role, method, ok, rtt_ms, error, detail, down_mbps, up_mbps, outage, state, text (docs/http.md)."
          }
        ],
        "responses": {
          "200": {
            "description": "NDJSON: one `Event` object a line.",
            "content": {
              "application/x-ndjson": {
                "schema": {
                  "type": "string"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Content-Disposition": {
                "$ref": "#/components/headers/CSVDownload"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/traces": {
      "get": {
        "operationId": "listTraces",
        "summary": "The `trace` events, newest first.",
        "parameters": [
          {
            "$ref": "#/components/parameters/since"
          },
          {
            "$ref": "#/components/parameters/until"
          }
        ],
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/TraceEvent"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/jobs": {
      "get": {
        "operationId": "listJobs",
        "summary": "The running monitor's jobs.",
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Jobs"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/jobs/{job}": {
      "post": {
        "operationId": "setJob",
        "summary": "Changes a job at once, recorded as a `job` event (what `ispmon job` does).",
        "parameters": [
          {
            "name": "job",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "examples": [
                "probes",
                "speedtest",
                "trace"
              ]
            },
            "description": "A job of the monitor: `probes`, `speedtest` or `trace`; another name is 404."
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "state": {
                    "type": "string",
                    "enum": [
                      "run",
                      "paused",
                      "disabled"
                    ]
                  }
                },
                "required": [
                  "state"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobChange"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/tools/{tool}": {
      "post": {
        "operationId": "runCheck",
        "summary": "Runs one ad-hoc check now with the monitor's own probe code, against the target in the body; not recorded, no part of any view. One at a time per client (429 while one runs), at most 4 in all.",
        "parameters": [
          {
            "name": "tool",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "examples": [
                "ping",
                "tcp",
                "dns",
                "http",
                "trace",
                "speedtest"
              ]
            },
            "description": "`ping` (host, count), `tcp` (host, port, count), `dns` (host: the resolver, port, query: `NAME` or `NAME AAAA`, count), `http` (url, count), `trace` (host), `speedtest` (url); another name is 404."
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CheckRequest"
              }
            },
            "application/x-www-form-urlencoded": {
              "schema": {
                "$ref": "#/components/schemas/CheckRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The check's results; with `Accept: application/x-ndjson`, a line a try or hop as it ends, then the whole answer (with \"step\": \"done\").",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CheckAnswer"
                }
              },
              "application/x-ndjson": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "429": {
            "$ref": "#/components/responses/CheckRunning"
          },
          "503": {
            "$ref": "#/components/responses/ChecksBusy"
          }
        }
      }
    },
    "/api/v1/session": {
      "get": {
        "operationId": "getSession",
        "summary": "For a signed-in browser: the session's CSRF token and when it expires (400 for a token, which needs none).",
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/api/v1/stream": {
      "get": {
        "operationId": "stream",
        "summary": "Live updates as server-sent events, with resume (docs/stream.md).",
        "parameters": [
          {
            "name": "types",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "A comma-separated list of `event`, `status`, `activity`."
          },
          {
            "name": "after_seq",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A `text/event-stream` that stays open.",
            "content": {
              "text/event-stream": {}
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "description": "No admin password is set, or already 64 live streams.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "getOpenAPI",
        "summary": "This document.",
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus text exposition format, from the views (docs/metrics.md). Also for a client address of `web.metrics_allow`.",
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/NoPassword"
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "Whether the server answers, and the newest event's sequence number; needs no sign-in.",
        "responses": {
          "200": {
            "description": "OK",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/login": {
      "get": {
        "operationId": "signInPage",
        "summary": "The sign-in page.",
        "responses": {
          "200": {
            "description": "The form.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        },
        "security": []
      },
      "post": {
        "operationId": "signIn",
        "summary": "Signs in: `303` to `/` with the session cookie, or `401` and the form again.",
        "requestBody": {
          "required": true,
          "content": {
            "application/x-www-form-urlencoded": {
              "schema": {
                "type": "object",
                "properties": {
                  "password": {
                    "type": "string"
                  },
                  "totp": {
                    "type": "string"
                  }
                },
                "required": [
                  "password"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "303": {
            "description": "Signed in.",
            "headers": {
              "Set-Cookie": {
                "schema": {
                  "type": "string"
                }
              },
              "Location": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "description": "A wrong password or code: the form again.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "413": {
            "description": "The body is over 64 KiB. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "429": {
            "description": "Too many failed sign-ins from this address. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
                },
                "description": "seconds"
              }
            }
          },
          "503": {
            "description": "No admin password is set yet: nothing but /healthz and /login answers. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/logout": {
      "post": {
        "operationId": "signOut",
        "summary": "Ends the session: `303` to `/login` (also without one).",
        "responses": {
          "303": {
            "description": "Signed out.",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "403": {
            "description": "A read-only token, or a session's change without its CSRF token. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "description": "No admin password is set yet: nothing but /healthz and /login answers. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/": {
      "get": {
        "operationId": "home",
        "summary": "The start page; `303` to `/login` without a session or token, `403` for a read-only token (which may only read the API).",
        "responses": {
          "200": {
            "description": "The page.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "303": {
            "description": "To the sign-in page.",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "403": {
            "description": "A read-only token, or a session's change without its CSRF token. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "description": "No admin password is set yet: nothing but /healthz and /login answers. (a page: its error is an HTML page)",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "properties": {
          "error": {
            "type": "string"
          }
        },
        "required": [
          "error"
        ],
        "additionalProperties": false,
        "description": "Every answer other than 2xx (and the sign-in page's): one message naming what was wrong."
      },
      "Note": {
        "type": "object",
        "properties": {
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "text": {
            "type": "string"
          }
        },
        "required": [
          "time",
          "text"
        ],
        "additionalProperties": false
      },
      "Outage": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[cd]-[0-9]{8}T[0-9]{6}(\\.[0-9]{6})?Z$"
          },
          "kind": {
            "type": "string",
            "enum": [
              "connectivity",
              "dns"
            ]
          },
          "start": {
            "type": "string",
            "format": "date-time"
          },
          "end": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "duration_s": {
            "type": "number",
            "minimum": 0
          },
          "cause": {
            "type": "string",
            "enum": [
              "local",
              "device",
              "gateway",
              "isp",
              "upstream",
              "dns",
              "unknown"
            ]
          },
          "culprits": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "notes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Note"
            }
          }
        },
        "required": [
          "id",
          "kind",
          "start",
          "end",
          "duration_s",
          "cause",
          "culprits",
          "notes"
        ],
        "additionalProperties": false,
        "description": "`ispmon outages --json` (docs/cli.md)."
      },
      "OutageDetail": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[cd]-[0-9]{8}T[0-9]{6}(\\.[0-9]{6})?Z$"
          },
          "kind": {
            "type": "string",
            "enum": [
              "connectivity",
              "dns"
            ]
          },
          "start": {
            "type": "string",
            "format": "date-time"
          },
          "end": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "duration_s": {
            "type": "number",
            "minimum": 0
          },
          "cause": {
            "type": "string",
            "enum": [
              "local",
              "device",
              "gateway",
              "isp",
              "upstream",
              "dns",
              "unknown"
            ]
          },
          "culprits": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "notes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Note"
            }
          },
          "explanation": {
            "type": "string"
          },
          "timeline": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "target": {
                  "type": "string"
                },
                "role": {
                  "type": "string",
                  "enum": [
                    "device",
                    "gateway",
                    "isp",
                    "internet",
                    "dns",
                    "interface"
                  ]
                },
                "intervals": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "properties": {
                      "start": {
                        "type": "string",
                        "format": "date-time"
                      },
                      "end": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "format": "date-time"
                      },
                      "state": {
                        "type": "string",
                        "enum": [
                          "unknown",
                          "up",
                          "down"
                        ]
                      }
                    },
                    "required": [
                      "start",
                      "end",
                      "state"
                    ],
                    "additionalProperties": false
                  }
                }
              },
              "required": [
                "target",
                "role",
                "intervals"
              ],
              "additionalProperties": false
            }
          }
        },
        "required": [
          "id",
          "kind",
          "start",
          "end",
          "duration_s",
          "cause",
          "culprits",
          "notes",
          "explanation",
          "timeline"
        ],
        "additionalProperties": false,
        "description": "An outage with its explanation and each target's and interface's states around it."
      },
      "Status": {
        "type": "object",
        "properties": {
          "as_of": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "monitor": {
            "type": "string",
            "enum": [
              "running",
              "stopped",
              "unknown"
            ]
          },
          "connectivity": {
            "type": "string",
            "enum": [
              "unknown",
              "up",
              "down"
            ]
          },
          "dns": {
            "type": "string",
            "enum": [
              "unknown",
              "up",
              "down"
            ]
          },
          "open_outage": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Outage"
              },
              {
                "type": "null"
              }
            ]
          },
          "targets": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "role": {
                  "type": "string",
                  "enum": [
                    "device",
                    "gateway",
                    "isp",
                    "internet",
                    "dns"
                  ]
                },
                "method": {
                  "type": "string",
                  "enum": [
                    "icmp",
                    "tcp",
                    "dns",
                    "http"
                  ]
                },
                "state": {
                  "type": "string",
                  "enum": [
                    "unknown",
                    "up",
                    "down"
                  ]
                },
                "since": {
                  "type": [
                    "string",
                    "null"
                  ],
                  "format": "date-time"
                },
                "last_rtt_ms": {
                  "type": [
                    "number",
                    "null"
                  ],
                  "minimum": 0
                }
              },
              "required": [
                "name",
                "role",
                "method",
                "state",
                "since",
                "last_rtt_ms"
              ],
              "additionalProperties": false
            }
          },
          "last_seq": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "as_of",
          "monitor",
          "connectivity",
          "dns",
          "open_outage",
          "targets",
          "last_seq"
        ],
        "additionalProperties": false,
        "description": "`ispmon status --json` (docs/cli.md)."
      },
      "LatencyHour": {
        "type": "object",
        "properties": {
          "target": {
            "type": "string"
          },
          "hour": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:00:00Z$"
          },
          "sent": {
            "type": "integer",
            "minimum": 0
          },
          "lost": {
            "type": "integer",
            "minimum": 0
          },
          "loss_pct": {
            "type": "number",
            "minimum": 0,
            "maximum": 100
          },
          "min_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "avg_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "max_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p50_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p95_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p99_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "jitter_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "target",
          "hour",
          "sent",
          "lost",
          "loss_pct",
          "min_ms",
          "avg_ms",
          "max_ms",
          "p50_ms",
          "p95_ms",
          "p99_ms",
          "jitter_ms"
        ],
        "additionalProperties": false,
        "description": "A row of `ispmon latency --json`."
      },
      "LatencyDay": {
        "type": "object",
        "properties": {
          "target": {
            "type": "string"
          },
          "day": {
            "type": "string",
            "format": "date"
          },
          "sent": {
            "type": "integer",
            "minimum": 0
          },
          "lost": {
            "type": "integer",
            "minimum": 0
          },
          "loss_pct": {
            "type": "number",
            "minimum": 0,
            "maximum": 100
          },
          "min_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "avg_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "max_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p50_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p95_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "p99_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "jitter_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "target",
          "day",
          "sent",
          "lost",
          "loss_pct",
          "min_ms",
          "avg_ms",
          "max_ms",
          "p50_ms",
          "p95_ms",
          "p99_ms",
          "jitter_ms"
        ],
        "additionalProperties": false,
        "description": "A row of `ispmon latency --json --daily`."
      },
      "SpeedTest": {
        "type": "object",
        "properties": {
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "server": {
            "type": "string"
          },
          "ok": {
            "type": "boolean"
          },
          "down_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "error": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "time",
          "server",
          "ok",
          "down_mbps",
          "up_mbps",
          "rtt_ms",
          "error"
        ],
        "additionalProperties": false,
        "description": "A test of `ispmon speedtests --json`."
      },
      "Availability": {
        "type": "object",
        "properties": {
          "period": {
            "type": "string",
            "description": "`2026-03-29`, `2026-W13`, `2026-03`; empty for the whole range."
          },
          "start": {
            "type": "string",
            "format": "date-time"
          },
          "end": {
            "type": "string",
            "format": "date-time"
          },
          "monitored_s": {
            "type": "number",
            "minimum": 0
          },
          "unmonitored_s": {
            "type": "number",
            "minimum": 0
          },
          "connectivity_down_s": {
            "type": "number",
            "minimum": 0
          },
          "dns_down_s": {
            "type": "number",
            "minimum": 0
          },
          "isp_down_s": {
            "type": "number",
            "minimum": 0
          },
          "connectivity_pct": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 100,
            "description": "Exactly two decimals, rounded half away from zero; null without monitored time."
          },
          "dns_pct": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 100,
            "description": "Exactly two decimals, rounded half away from zero; null without monitored time."
          },
          "isp_pct": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 100,
            "description": "Exactly two decimals, rounded half away from zero; null without monitored time."
          }
        },
        "required": [
          "period",
          "start",
          "end",
          "monitored_s",
          "unmonitored_s",
          "connectivity_down_s",
          "dns_down_s",
          "isp_down_s",
          "connectivity_pct",
          "dns_pct",
          "isp_pct"
        ],
        "additionalProperties": false
      },
      "SpeedTestDay": {
        "type": "object",
        "properties": {
          "day": {
            "type": "string",
            "format": "date"
          },
          "count": {
            "type": "integer",
            "minimum": 0
          },
          "failures": {
            "type": "integer",
            "minimum": 0
          },
          "down_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "day",
          "count",
          "failures",
          "down_min_mbps",
          "down_median_mbps",
          "down_max_mbps",
          "up_min_mbps",
          "up_median_mbps",
          "up_max_mbps"
        ],
        "additionalProperties": false,
        "description": "A summary of `ispmon speedtests --json --daily`."
      },
      "SpeedTestWeek": {
        "type": "object",
        "properties": {
          "week": {
            "type": "string",
            "pattern": "^[0-9]{4}-W[0-9]{2}$"
          },
          "count": {
            "type": "integer",
            "minimum": 0
          },
          "failures": {
            "type": "integer",
            "minimum": 0
          },
          "down_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "week",
          "count",
          "failures",
          "down_min_mbps",
          "down_median_mbps",
          "down_max_mbps",
          "up_min_mbps",
          "up_median_mbps",
          "up_max_mbps"
        ],
        "additionalProperties": false,
        "description": "A summary of `ispmon speedtests --json --weekly`."
      },
      "SpeedTestMonth": {
        "type": "object",
        "properties": {
          "month": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}$"
          },
          "count": {
            "type": "integer",
            "minimum": 0
          },
          "failures": {
            "type": "integer",
            "minimum": 0
          },
          "down_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "down_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_min_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_median_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_max_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "month",
          "count",
          "failures",
          "down_min_mbps",
          "down_median_mbps",
          "down_max_mbps",
          "up_min_mbps",
          "up_median_mbps",
          "up_max_mbps"
        ],
        "additionalProperties": false,
        "description": "A summary of `ispmon speedtests --json --monthly`."
      },
      "ProbeEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "probe"
          },
          "target": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64
          },
          "role": {
            "type": "string",
            "enum": [
              "device",
              "gateway",
              "isp",
              "internet",
              "dns"
            ]
          },
          "method": {
            "type": "string",
            "enum": [
              "icmp",
              "tcp",
              "dns",
              "http"
            ]
          },
          "ok": {
            "type": "boolean"
          },
          "rtt_ms": {
            "type": "number",
            "minimum": 0
          },
          "error": {
            "type": "string",
            "pattern": "^[a-z0-9-]{1,32}$"
          },
          "detail": {
            "type": "string"
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "target",
          "role",
          "method",
          "ok"
        ],
        "additionalProperties": false,
        "description": "One probe of one target."
      },
      "SpeedTestEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "speedtest"
          },
          "server": {
            "type": "string"
          },
          "ok": {
            "type": "boolean"
          },
          "down_mbps": {
            "type": "number",
            "minimum": 0
          },
          "up_mbps": {
            "type": "number",
            "minimum": 0
          },
          "rtt_ms": {
            "type": "number",
            "minimum": 0
          },
          "error": {
            "type": "string",
            "pattern": "^[a-z0-9-]{1,32}$"
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "server",
          "ok"
        ],
        "additionalProperties": false,
        "description": "One throughput measurement."
      },
      "LinkEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "link"
          },
          "interface": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64
          },
          "up": {
            "type": "boolean"
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "interface",
          "up"
        ],
        "additionalProperties": false,
        "description": "The state of a local network interface."
      },
      "TraceEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "trace"
          },
          "destination": {
            "type": "string"
          },
          "hops": {
            "type": "array",
            "maxItems": 255,
            "items": {
              "$ref": "#/components/schemas/Hop"
            }
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "destination",
          "hops"
        ],
        "additionalProperties": false,
        "description": "A path discovery."
      },
      "MonitorEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "monitor"
          },
          "state": {
            "type": "string",
            "enum": [
              "started",
              "stopped"
            ]
          },
          "version": {
            "type": "string"
          },
          "clock": {
            "type": "string",
            "enum": [
              "synchronized",
              "unsynchronized"
            ]
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "state"
        ],
        "additionalProperties": false,
        "description": "The monitor started or stopped."
      },
      "ClockEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "clock"
          },
          "step_us": {
            "type": "integer"
          },
          "synchronized": {
            "type": "boolean"
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "step_us",
          "synchronized"
        ],
        "additionalProperties": false,
        "description": "The system clock was stepped."
      },
      "JobEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "job"
          },
          "job": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64
          },
          "state": {
            "type": "string",
            "enum": [
              "run",
              "paused",
              "disabled"
            ]
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "job",
          "state"
        ],
        "additionalProperties": false,
        "description": "A scheduled job changed state."
      },
      "NoteEvent": {
        "type": "object",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "type": {
            "const": "note"
          },
          "outage": {
            "type": "string"
          },
          "text": {
            "type": "string",
            "minLength": 1
          }
        },
        "required": [
          "seq",
          "time",
          "type",
          "outage",
          "text"
        ],
        "additionalProperties": false,
        "description": "A person's annotation of an outage."
      },
      "Event": {
        "description": "An event as its NDJSON object, with `seq` (docs/events.md).",
        "oneOf": [
          {
            "$ref": "#/components/schemas/ProbeEvent"
          },
          {
            "$ref": "#/components/schemas/SpeedTestEvent"
          },
          {
            "$ref": "#/components/schemas/LinkEvent"
          },
          {
            "$ref": "#/components/schemas/TraceEvent"
          },
          {
            "$ref": "#/components/schemas/MonitorEvent"
          },
          {
            "$ref": "#/components/schemas/ClockEvent"
          },
          {
            "$ref": "#/components/schemas/JobEvent"
          },
          {
            "$ref": "#/components/schemas/NoteEvent"
          }
        ]
      },
      "Jobs": {
        "type": "object",
        "properties": {
          "monitor": {
            "const": "running"
          },
          "jobs": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "job": {
                  "type": "string",
                  "enum": [
                    "probes",
                    "speedtest",
                    "trace"
                  ]
                },
                "state": {
                  "type": "string",
                  "enum": [
                    "run",
                    "paused",
                    "disabled"
                  ]
                }
              },
              "required": [
                "job",
                "state"
              ],
              "additionalProperties": false
            }
          }
        },
        "required": [
          "monitor",
          "jobs"
        ],
        "additionalProperties": false
      },
      "CheckRequest": {
        "type": "object",
        "properties": {
          "host": {
            "type": "string",
            "maxLength": 253
          },
          "port": {
            "type": "integer",
            "minimum": 1,
            "maximum": 65535
          },
          "query": {
            "type": "string"
          },
          "url": {
            "type": "string",
            "maxLength": 2048
          },
          "count": {
            "type": "integer",
            "minimum": 1,
            "maximum": 10
          }
        },
        "additionalProperties": false,
        "description": "What the tool takes (see the path parameter); a field it does not take is 400."
      },
      "CheckAnswer": {
        "type": "object",
        "properties": {
          "tool": {
            "type": "string",
            "enum": [
              "ping",
              "tcp",
              "dns",
              "http",
              "trace",
              "speedtest"
            ]
          },
          "target": {
            "type": "string"
          },
          "address": {
            "type": [
              "string",
              "null"
            ],
            "description": "The address a host name was found at; null for an address."
          },
          "ok": {
            "type": "boolean"
          },
          "error": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          },
          "tries": {
            "type": "array",
            "maxItems": 10,
            "items": {
              "type": "object",
              "properties": {
                "ok": {
                  "type": "boolean"
                },
                "rtt_ms": {
                  "type": "number",
                  "minimum": 0
                },
                "error": {
                  "type": "string"
                },
                "detail": {
                  "type": "string"
                }
              },
              "required": [
                "ok"
              ],
              "additionalProperties": false
            }
          },
          "sent": {
            "type": "integer",
            "minimum": 0
          },
          "lost": {
            "type": "integer",
            "minimum": 0
          },
          "loss_pct": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 100
          },
          "min_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "avg_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "max_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "hops": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Hop"
            }
          },
          "down_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "up_mbps": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          },
          "rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "tool",
          "target",
          "address",
          "ok"
        ],
        "additionalProperties": false,
        "description": "A check's results in the event log's terms: tries as probes (ok, rtt_ms, error, detail) and their summary; a trace's hops; a speed test's Mbps. `error`/`detail` at the top: why it could not run (resolve, icmp-unavailable, trace-unavailable) or a speed test's error."
      },
      "JobChange": {
        "type": "object",
        "properties": {
          "job": {
            "type": "string",
            "enum": [
              "probes",
              "speedtest",
              "trace"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "run",
              "paused",
              "disabled"
            ]
          },
          "result": {
            "type": "string"
          }
        },
        "required": [
          "job",
          "state",
          "result"
        ],
        "additionalProperties": false
      },
      "Session": {
        "type": "object",
        "properties": {
          "csrf": {
            "type": "string"
          },
          "expires": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "csrf",
          "expires"
        ],
        "additionalProperties": false
      },
      "Health": {
        "type": "object",
        "properties": {
          "ok": {
            "const": true
          },
          "last_seq": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "ok",
          "last_seq"
        ],
        "additionalProperties": false
      },
      "Hop": {
        "type": "object",
        "properties": {
          "ttl": {
            "type": "integer",
            "minimum": 1,
            "maximum": 255
          },
          "address": {
            "type": [
              "string",
              "null"
            ]
          },
          "rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0
          }
        },
        "required": [
          "ttl",
          "address",
          "rtt_ms"
        ],
        "additionalProperties": false,
        "description": "One hop of a path discovery: its TTL, the address that answered (null: none did) and the RTT."
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A parameter the route does not take, a value given twice, or one that does not parse: `{\"error\": \"NAME: why\"}`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "Neither a session nor an API token.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Forbidden": {
        "description": "A read-only token, or a session's change without its CSRF token.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "No such outage or job.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Conflict": {
        "description": "No monitor runs on the store (or it does not answer).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TooLarge": {
        "description": "The body is over 64 KiB.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NoPassword": {
        "description": "No admin password is set yet: nothing but /healthz and /login answers.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "CheckRunning": {
        "description": "A check of this client (its session or token) is still running: one at a time.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            },
            "description": "seconds"
          }
        }
      },
      "ChecksBusy": {
        "description": "No admin password is set yet, or 4 checks are running already (then with Retry-After).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            },
            "description": "seconds"
          }
        }
      },
      "TooManyRequests": {
        "description": "Too many failed sign-ins from this address.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "schema": {
              "type": "integer"
            },
            "description": "seconds"
          }
        }
      }
    },
    "parameters": {
      "since": {
        "name": "since",
        "in": "query",
        "required": false,
        "schema": {
          "anyOf": [
            {
              "type": "string",
              "format": "date-time"
            },
            {
              "type": "string",
              "pattern": "^[0-9]{1,12}[smhdw]$",
              "description": "A span back from now: seconds, minutes, hours, days or weeks."
            }
          ],
          "examples": [
            "24h",
            "2026-03-01T00:00:00Z"
          ]
        },
        "description": "From this time: An RFC 3339 time or a span back from now (`90m`, `24h`, `7d`)."
      },
      "until": {
        "name": "until",
        "in": "query",
        "required": false,
        "schema": {
          "anyOf": [
            {
              "type": "string",
              "format": "date-time"
            },
            {
              "type": "string",
              "pattern": "^[0-9]{1,12}[smhdw]$",
              "description": "A span back from now: seconds, minutes, hours, days or weeks."
            }
          ],
          "examples": [
            "90m",
            "2026-03-02T00:00:00Z"
          ]
        },
        "description": "Up to this time: An RFC 3339 time or a span back from now (`90m`, `24h`, `7d`)."
      },
      "format": {
        "name": "format",
        "in": "query",
        "required": false,
        "schema": {
          "type": "string",
          "enum": [
            "json",
            "csv"
          ],
          "default": "json"
        },
        "description": "`csv`: the CSV of the matching `--csv` output (a header line of the JSON field names, times in UTC), as a download."
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token of `ispmon token create` (a `--read-only` one may only GET the API and /metrics)."
      },
      "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "ispmon_session",
        "description": "The session of `POST /login`; a change (POST) also needs the session's CSRF token in `X-CSRF-Token`."
      }
    },
    "headers": {
      "CSVDownload": {
        "schema": {
          "type": "string"
        },
        "description": "With `format=csv`: `attachment; filename=\"ispmon-NAME.csv\"`."
      }
    }
  }
}
"""#
}
