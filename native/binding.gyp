{
  "targets": [
    {
      "target_name": "vae_lab_native",
      "sources": ["vae_lab_native.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-Wall"],
      "libraries": ["-ldl", "-lm", "-lpthread"],
      "conditions": [["OS=='mac'", {"xcode_settings": {"OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"]}}]]
    }
  ]
}
