from flashcards.launch import main

main()
