console.log('bad fixture for the lint gates self-test');
